//go:build !unix

package inroot

const nonblock = 0
