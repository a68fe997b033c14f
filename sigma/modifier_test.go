package sigma

import (
	"strings"
	"testing"
)

func TestModifiers(t *testing.T) {
	cases := []matchCase{
		{name: "plain equality is case-insensitive",
			det: "    sel:\n        Image: 'C:\\Windows\\cmd.exe'\n    condition: sel\n",
			yes: []MapEvent{ev("Image", `c:\windows\CMD.EXE`)},
			no:  []MapEvent{ev("Image", `c:\windows\cmd.exe2`), ev("Other", `C:\Windows\cmd.exe`)}},
		{name: "contains",
			det: "    sel:\n        CommandLine|contains: 'Invoke-'\n    condition: sel\n",
			yes: []MapEvent{ev("CommandLine", "x invoke-mimikatz y")},
			no:  []MapEvent{ev("CommandLine", "invoke mimikatz")}},
		{name: "startswith",
			det: "    sel:\n        Image|startswith: 'C:\\Temp\\'\n    condition: sel\n",
			yes: []MapEvent{ev("Image", `c:\temp\a.exe`)},
			no:  []MapEvent{ev("Image", `d:\c:\temp\a.exe`)}},
		{name: "endswith list is OR",
			det: "    sel:\n        Image|endswith:\n            - '\\a.exe'\n            - '\\b.exe'\n    condition: sel\n",
			yes: []MapEvent{ev("Image", `x\B.EXE`), ev("Image", `x\a.exe`)},
			no:  []MapEvent{ev("Image", `x\c.exe`), ev("Image", `x\a.exe.bak`)}},
		{name: "contains all",
			det: "    sel:\n        CommandLine|contains|all:\n            - ' -enc '\n            - 'hidden'\n    condition: sel\n",
			yes: []MapEvent{ev("CommandLine", "ps -w Hidden -enc AAA")},
			no:  []MapEvent{ev("CommandLine", "ps -enc AAA"), ev("CommandLine", "ps hidden")}},
		{name: "cased",
			det: "    sel:\n        Name|cased: 'Admin'\n    condition: sel\n",
			yes: []MapEvent{ev("Name", "Admin")},
			no:  []MapEvent{ev("Name", "admin"), ev("Name", "ADMIN")}},
		{name: "exists true",
			det: "    sel:\n        Token|exists: true\n    condition: sel\n",
			yes: []MapEvent{ev("Token", ""), ev("Token", "x")},
			no:  []MapEvent{ev("Other", "x")}},
		{name: "exists false",
			det: "    sel:\n        Token|exists: false\n    condition: sel\n",
			yes: []MapEvent{ev("Other", "x")},
			no:  []MapEvent{ev("Token", "")}},
		{name: "neq",
			det: "    sel:\n        User|neq:\n            - 'SYSTEM'\n            - 'LOCAL SERVICE'\n    condition: sel\n",
			yes: []MapEvent{ev("User", "alice")},
			no:  []MapEvent{ev("User", "system"), ev("User", "Local Service"), ev("Other", "x")}},
		{name: "windash",
			det: "    sel:\n        CommandLine|contains|windash: ' -exec bypass'\n    condition: sel\n",
			yes: []MapEvent{ev("CommandLine", "ps -exec bypass"), ev("CommandLine", "ps /exec bypass"),
				ev("CommandLine", "ps \u2013exec bypass"), ev("CommandLine", "ps \u2014exec bypass"), ev("CommandLine", "ps \u2015exec bypass")},
			no: []MapEvent{ev("CommandLine", "ps exec bypass"), ev("CommandLine", "ps +exec bypass")}},
		{name: "re is case-sensitive and unanchored",
			det: "    sel:\n        CommandLine|re: 'ab+c'\n    condition: sel\n",
			yes: []MapEvent{ev("CommandLine", "xxabbbcxx")},
			no:  []MapEvent{ev("CommandLine", "ABC"), ev("CommandLine", "ac")}},
		{name: "re i",
			det: "    sel:\n        CommandLine|re|i: '^ab+c$'\n    condition: sel\n",
			yes: []MapEvent{ev("CommandLine", "ABBC")},
			no:  []MapEvent{ev("CommandLine", "xabc")}},
		{name: "re m",
			det: "    sel:\n        Text|re|m: '^second$'\n    condition: sel\n",
			yes: []MapEvent{ev("Text", "first\nsecond\nthird")},
			no:  []MapEvent{ev("Text", "first second")}},
		{name: "re s",
			det: "    sel:\n        Text|re|s: 'a.b'\n    condition: sel\n",
			yes: []MapEvent{ev("Text", "a\nb")},
			no:  []MapEvent{ev("Text", "a\n\nb")}},
		{name: "base64",
			det: "    sel:\n        Data|base64: 'cmd'\n    condition: sel\n",
			yes: []MapEvent{ev("Data", "Y21k")},
			no:  []MapEvent{ev("Data", "y21k"), ev("Data", "cmd")}},
		{name: "base64 contains",
			det: "    sel:\n        Data|base64|contains: 'cmd'\n    condition: sel\n",
			yes: []MapEvent{ev("Data", "xxY21kyy")},
			no:  []MapEvent{ev("Data", "xxY21Kyy")}},
		{name: "base64offset contains (SigmaHQ's own IEX ([ fragments)",
			det: "    sel:\n        CommandLine|base64offset|contains: 'IEX (['\n    condition: sel\n",
			yes: []MapEvent{ev("CommandLine", "-e SUVYIChbxx"), ev("CommandLine", "-e xlFWCAoWxx"), ev("CommandLine", "-e xJRVggKFxx")},
			no:  []MapEvent{ev("CommandLine", "IEX (["), ev("CommandLine", "suvyichb")}},
		{name: "utf16le base64",
			det: "    sel:\n        Data|utf16le|base64: 'cmd'\n    condition: sel\n",
			yes: []MapEvent{ev("Data", "YwBtAGQA")}},
		{name: "wide is utf16le",
			det: "    sel:\n        Data|wide|base64: 'cmd'\n    condition: sel\n",
			yes: []MapEvent{ev("Data", "YwBtAGQA")}},
		{name: "utf16be base64",
			det: "    sel:\n        Data|utf16be|base64: 'cmd'\n    condition: sel\n",
			yes: []MapEvent{ev("Data", "AGMAbQBk")}, no: []MapEvent{ev("Data", "YwBtAGQA")}},
		{name: "utf16 (BOM) base64",
			det: "    sel:\n        Data|utf16|base64: 'cmd'\n    condition: sel\n",
			yes: []MapEvent{ev("Data", "//5jAG0AZAA=")}},
		{name: "lt lte gt gte",
			det: "    a:\n        N|gt: 10\n    b:\n        N|lte: 20\n    c:\n        M|lt: 0.5\n    d:\n        M|gte: -1\n    condition: a and b and c and d\n",
			yes: []MapEvent{ev("N", "11", "M", "0"), ev("N", "20", "M", "-1")},
			no:  []MapEvent{ev("N", "10", "M", "0"), ev("N", "21", "M", "0"), ev("N", "15", "M", "0.5"), ev("N", "x", "M", "0"), ev("N", "15", "M", "-2")}},
		{name: "time parts",
			det: "    sel:\n        T|hour|gte: 22\n    m:\n        T|month: 3\n    condition: sel and m\n",
			yes: []MapEvent{ev("T", "2024-03-05T23:10:00Z"), ev("T", "2024-03-05 22:00:00.123")},
			no:  []MapEvent{ev("T", "2024-03-05T21:59:59Z"), ev("T", "2024-04-05T23:00:00Z"), ev("T", "garbage")}},
		{name: "week day minute year",
			det: "    sel:\n        T|week: 1\n        T|day: 2\n        T|minute: 30\n        T|year: 2024\n    condition: sel\n",
			yes: []MapEvent{ev("T", "2024-01-02T10:30:00Z")},
			no:  []MapEvent{ev("T", "2024-01-02T10:31:00Z"), ev("T", "2023-01-02T10:30:00Z")}},
		{name: "cidr v4 and v6",
			det: "    sel:\n        DestinationIp|cidr:\n            - '10.0.0.0/8'\n            - 'fe80::/10'\n    condition: sel\n",
			yes: []MapEvent{ev("DestinationIp", "10.1.2.3"), ev("DestinationIp", "fe80::1"), ev("DestinationIp", "::ffff:10.0.0.1")},
			no:  []MapEvent{ev("DestinationIp", "11.0.0.1"), ev("DestinationIp", "2001:db8::1"), ev("DestinationIp", "not-an-ip")}},
		{name: "fieldref",
			det: "    sel:\n        TargetFilename|fieldref: Image\n    condition: sel\n",
			yes: []MapEvent{ev("TargetFilename", `C:\a.exe`, "Image", `c:\A.exe`)},
			no:  []MapEvent{ev("TargetFilename", `C:\a.exe`, "Image", `C:\b.exe`), ev("TargetFilename", `C:\a.exe`)}},
		{name: "fieldref endswith",
			det: "    sel:\n        Path|fieldref|endswith: Name\n    condition: sel\n",
			yes: []MapEvent{ev("Path", `C:\x\a.exe`, "Name", `a.exe`)},
			no:  []MapEvent{ev("Path", `C:\x\a.exe`, "Name", `b.exe`)}},
		{name: "null matches absent or empty",
			det: "    sel:\n        User: null\n    condition: sel\n",
			yes: []MapEvent{ev("Other", "x"), ev("User", "")},
			no:  []MapEvent{ev("User", "bob")}},
		{name: "empty string matches only empty",
			det: "    sel:\n        User: ''\n    condition: sel\n",
			yes: []MapEvent{ev("User", "")},
			no:  []MapEvent{ev("Other", "x"), ev("User", "bob")}},
		{name: "numbers and booleans compare as text",
			det: "    sel:\n        EventID: 4688\n        Signed: true\n    condition: sel\n",
			yes: []MapEvent{ev("EventID", "4688", "Signed", "True")},
			no:  []MapEvent{ev("EventID", "46880", "Signed", "true")}},
	}
	runMatchCases(t, cases, Config{})
}

func TestWildcardsAndEscapes(t *testing.T) {
	cases := []matchCase{
		{name: "star and question",
			det: "    sel:\n        Image: 'C:\\\\*\\cmd.ex?'\n    condition: sel\n",
			yes: []MapEvent{ev("Image", `C:\Windows\System32\CMD.EXE`), ev("Image", `c:\x\cmd.exy`)},
			no:  []MapEvent{ev("Image", `C:\cmd.exe`), ev("Image", `C:\x\cmd.ex`), ev("Image", `C:\x\cmd.exee`)}},
		{name: "question matches one rune",
			det: "    sel:\n        Name: 'a?c'\n    condition: sel\n",
			yes: []MapEvent{ev("Name", "abc"), ev("Name", "aéc")},
			no:  []MapEvent{ev("Name", "ac"), ev("Name", "abbc")}},
		{name: "escaped star is literal",
			det: "    sel:\n        Name: 'a\\*b'\n    condition: sel\n",
			yes: []MapEvent{ev("Name", "a*b")},
			no:  []MapEvent{ev("Name", "axxb")}},
		{name: "escaped question is literal",
			det: "    sel:\n        Name|endswith: 'what\\?'\n    condition: sel\n",
			yes: []MapEvent{ev("Name", "so what?")},
			no:  []MapEvent{ev("Name", "so whatx")}},
		{name: "double backslash is one backslash; lone backslash literal",
			det: "    sel:\n        Name: '\\\\\\\\srv\\share'\n    condition: sel\n",
			yes: []MapEvent{ev("Name", `\\srv\share`)},
			no:  []MapEvent{ev("Name", `\\\\srv\share`)}},
		{name: "escaped backslash before star keeps wildcard",
			det: "    sel:\n        Name: 'dir\\\\*'\n    condition: sel\n",
			yes: []MapEvent{ev("Name", `dir\anything`)},
			no:  []MapEvent{ev("Name", `dir`)}},
		{name: "glob with several stars backtracks",
			det: "    sel:\n        Name: '*ab*ab*c'\n    condition: sel\n",
			yes: []MapEvent{ev("Name", "xabyyababc"), ev("Name", "ABABC")},
			no:  []MapEvent{ev("Name", "abc"), ev("Name", "ababcx")}},
		{name: "non-ASCII values fold case",
			det: "    sel:\n        Name|contains: 'ÄRZTE'\n    condition: sel\n",
			yes: []MapEvent{ev("Name", "die ärzte")},
			no:  []MapEvent{ev("Name", "arzte")}},
		{name: "non-ASCII equality, suffix and glob fold case",
			det: "    a:\n        N: 'Größe'\n    b:\n        P|endswith: 'ÜBER.exe'\n    c:\n        G: 'ä*ö?'\n    condition: a and b and c\n",
			yes: []MapEvent{ev("N", "GRÖßE", "P", `x\über.EXE`, "G", "Äxxöz"), ev("N", "größe", "P", "Über.exe", "G", "äöö")},
			no:  []MapEvent{ev("N", "größer", "P", `x\über.EXE`, "G", "Äxxöz"), ev("N", "größe", "P", "uber.exe", "G", "äöö"), ev("N", "größe", "P", "über.exe", "G", "äö")}},
	}
	runMatchCases(t, cases, Config{})
}

func TestExpandPlaceholders(t *testing.T) {
	cfg := Config{Placeholders: map[string][]string{"dcs": {"DC1$", "DC2$"}, "dom": {"corp"}}}
	runMatchCases(t, []matchCase{{name: "expand to value list",
		det: "    sel:\n        User|expand: '%dom%\\%dcs%'\n    condition: sel\n",
		yes: []MapEvent{ev("User", `CORP\dc1$`), ev("User", `corp\DC2$`)},
		no:  []MapEvent{ev("User", `corp\dc3$`), ev("User", `%dom%\%dcs%`)}}}, cfg)
	msg := compileErr("    sel:\n        User|expand: '%missing%'\n    condition: sel\n", cfg)
	if !strings.Contains(msg, "bad.yml:6:") || !strings.Contains(msg, "%missing%") {
		t.Errorf("unresolved placeholder: got %q", msg)
	}
}

func TestKeywords(t *testing.T) {
	runMatchCases(t, []matchCase{
		{name: "keyword list matches any value",
			det: "    keywords:\n        - 'mimikatz'\n        - 'sekurlsa'\n    condition: keywords\n",
			yes: []MapEvent{ev("A", "run Mimikatz now"), ev("B", "x", "C", "SEKURLSA::logonpasswords")},
			no:  []MapEvent{ev("A", "mimi katz")}},
		{name: "keyword with all modifier",
			det: "    keywords:\n        '|all':\n            - 'bgp'\n            - 'md5'\n    condition: keywords\n",
			yes: []MapEvent{ev("A", "BGP peer", "B", "MD5 failed")},
			no:  []MapEvent{ev("A", "BGP peer")}},
		{name: "single keyword scalar",
			det: "    keywords: 'wget * | sh'\n    condition: keywords\n",
			yes: []MapEvent{ev("A", "x wget http://a | sh")},
			no:  []MapEvent{ev("A", "wget http://a")}},
	}, Config{})
}

func TestBase64Offsets(t *testing.T) {
	got := base64Offsets("IEX ([")
	want := []string{"SUVYIChb", "lFWCAoW", "JRVggKF"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("base64Offsets = %v, want %v", got, want)
	}
}

func TestWindashPermutations(t *testing.T) {
	got, err := windash("a -x -y b-c")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 25 {
		t.Fatalf("got %d variants, want 25 (two flag positions, 5 characters each)", len(got))
	}
	for _, g := range got {
		if !strings.Contains(g, "b-c") {
			t.Errorf("dash inside a word was replaced: %q", g)
		}
	}
}

func TestModifierErrors(t *testing.T) {
	for det, want := range map[string]string{
		"    sel:\n        A|contians: x\n    condition: sel\n":            "bad.yml:6: unknown modifier 'contians'",
		"    sel:\n        A|re: '(?<=x)a'\n    condition: sel\n":          "bad.yml:6: sel: field \"A\": regular expression",
		"    sel:\n        A|cidr: '10.0.0.0/33'\n    condition: sel\n":    "bad.yml:6: sel: field \"A\": cidr",
		"    sel:\n        A|gt: ten\n    condition: sel\n":                "not a number",
		"    sel:\n        A|i: x\n    condition: sel\n":                   "only valid after 're'",
		"    sel:\n        A|exists: maybe\n    condition: sel\n":          "exists takes a single true or false",
		"    sel:\n        A|startswith|endswith: x\n    condition: sel\n": "conflicts",
	} {
		if got := compileErr(det, Config{}); !strings.Contains(got, want) {
			t.Errorf("%q: got %q, want it to contain %q", det, got, want)
		}
	}
}
