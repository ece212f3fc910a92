package site

// Stylesheet returns the advisory site's stylesheet, which the fleet
// dashboard shares so that both look alike.
func Stylesheet() []byte { return styleCSS }
