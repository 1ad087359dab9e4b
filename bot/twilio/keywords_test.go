package twilio

import "testing"

func TestClassify(t *testing.T) {
	t.Parallel()
	cases := map[string]keyword{
		"STOP": kwStop, " stop ": kwStop, "Stop.": kwStop, "STOP!!": kwStop, "stopall": kwStop, "UnSubscribe": kwStop,
		"cancel": kwStop, "end": kwStop, "quit": kwStop, "revoke": kwStop, "optout": kwStop,
		"start": kwStart, "UNSTOP": kwStart, "yes": kwYes, "YES": kwYes, "help": kwHelp, "INFO": kwHelp,
		"stop it": kwNone, "please stop": kwNone, "stopp": kwNone, "": kwNone, "parar": kwNone, "opt out": kwNone,
		"hello": kwNone, "1": kwNone,
	}
	for in, want := range cases {
		if got := classify(in); got != want {
			t.Errorf("classify(%q) = %v; want %v", in, got, want)
		}
	}
}
