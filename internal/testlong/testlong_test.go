package testlong

import "testing"

func TestSkip(t *testing.T) {
	for _, c := range []struct {
		value string
		want  bool
	}{{"", false}, {"0", false}, {"yes", false}, {"1", true}} {
		t.Setenv(Env, c.value)
		if Enabled() != c.want {
			t.Errorf("%s=%q: Enabled %v", Env, c.value, !c.want)
		}
		ran := false
		t.Run(c.value, func(t *testing.T) {
			Skip(t, "test")
			ran = true
		})
		if ran != c.want {
			t.Errorf("%s=%q: ran %v", Env, c.value, ran)
		}
	}
}
