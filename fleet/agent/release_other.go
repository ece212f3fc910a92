//go:build !unix

package agent

func release() string { return "" }
