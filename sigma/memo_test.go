package sigma

import "testing"

// TestScanMemoRepeatedKey: a value remembered must carry all its patterns,
// also when it was the second value of a repeated key whose first value
// held the same literal; and a remembered value gives the same matches.
func TestScanMemoRepeatedKey(t *testing.T) {
	rs := windowsRules(t, procRule)
	m := rs.NewMatcher()
	match := func(line string) []string {
		js := NewJSONEvent()
		if err := js.Reset([]byte(line)); err != nil {
			t.Fatal(err)
		}
		var ids []string
		m.Match(js, func(r *Rule) { ids = append(ids, r.ID) })
		return ids
	}
	head := `{"Channel":"` + sysmon + `","EventID":"1","Image":`
	for i, c := range []struct {
		line string
		want int
	}{
		{head + `["C:\\x.exe","D:\\x.exe"]}`, 1},
		{head + `"D:\\x.exe"}`, 1},
		{head + `"D:\\x.exe"}`, 1},
		{head + `"D:\\y.exe"}`, 0},
		{head + `"C:\\x.exe"}`, 1},
	} {
		if got := match(c.line); len(got) != c.want {
			t.Errorf("event %d: matched %v, want %d rule(s)", i, got, c.want)
		}
	}
}
