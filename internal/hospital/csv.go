package hospital

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// StaffColumns and AssetColumns are the exact headers of staff.csv and
// assets.csv (docs/formats.md). Columns may come in any order; all must be there.
var (
	StaffColumns = []string{"employee_id", "user_id", "first_name", "last_name", "role", "department",
		"address", "city", "postal_code", "lat", "lon", "hire_date", "termination_date", "manager_id"}
	AssetColumns = []string{"asset_id", "hostname", "ip", "mac", "kind", "vendor", "model", "department",
		"criticality"}
)

// csvRows reads a CSV with a checked header and calls fn with each row as
// column → value, and its line. A bad header is rejection of line 1 (nothing
// loads); the error is for unreadable input only.
func csvRows(r io.Reader, want []string, p *Parsed, fn func(line int, get func(string) string) error) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			p.reject(1, "empty file: no header")
			return nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			p.reject(1, "header: %v", pe.Err)
			return nil
		}
		return err
	}
	idx := map[string]int{}
	for i, h := range head {
		idx[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	var missing []string
	for _, c := range want {
		if _, ok := idx[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		p.reject(1, "header: missing column(s) %s (want %s)", strings.Join(missing, ","), strings.Join(want, ","))
		return nil
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			p.reject(pe.StartLine, "%v", pe.Err)
			continue
		}
		if err != nil {
			return err
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(head) {
			p.reject(line, "%d fields, header has %d", len(rec), len(head))
			continue
		}
		if tooLong(rec) {
			p.reject(line, "record longer than %d bytes", MaxLine)
			continue
		}
		get := func(c string) string { return strings.TrimSpace(rec[idx[c]]) }
		if err := fn(line, get); err != nil {
			p.reject(line, "%v", err)
		}
	}
}

func tooLong(rec []string) bool {
	n := 0
	for _, f := range rec {
		n += len(f)
	}
	return n > MaxLine
}

// parseDate parses YYYY-MM-DD; "" = zero.
func parseDate(s, field string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q is not a YYYY-MM-DD date", field, clip(s))
	}
	return t, nil
}

func parseStaffCSV(r io.Reader, now time.Time) (Parsed, error) {
	p := Parsed{Kind: KindStaff}
	err := csvRows(r, StaffColumns, &p, func(_ int, get func(string) string) error {
		s := Staff{EmployeeID: get("employee_id"), UserID: get("user_id"), FirstName: get("first_name"),
			LastName: get("last_name"), Role: strings.ToLower(get("role")), Department: get("department"),
			Address:   Address{Line: get("address"), City: get("city"), PostalCode: get("postal_code")},
			ManagerID: get("manager_id"), FromRoster: true}
		if s.EmployeeID == "" {
			return errors.New("empty employee_id")
		}
		if s.UserID == "" {
			return errors.New("empty user_id")
		}
		var err error
		if s.Home, err = parseGeo(get("lat"), get("lon"), "lat/lon"); err != nil {
			return err
		}
		if s.HireDate, err = parseDate(get("hire_date"), "hire_date"); err != nil {
			return err
		}
		if s.HireDate.After(now.AddDate(1, 0, 0)) {
			return fmt.Errorf("hire_date %s more than a year in the future", get("hire_date"))
		}
		if s.Terminated, err = parseDate(get("termination_date"), "termination_date"); err != nil {
			return err
		}
		if !s.Terminated.IsZero() && !s.HireDate.IsZero() && s.Terminated.Before(s.HireDate) {
			return errors.New("termination_date before hire_date")
		}
		p.Items = append(p.Items, Item{ID: s.EmployeeID, Value: s})
		return nil
	})
	return p, err
}

func parseAssetsCSV(r io.Reader) (Parsed, error) {
	p := Parsed{Kind: KindAssets}
	err := csvRows(r, AssetColumns, &p, func(_ int, get func(string) string) error {
		a := Asset{ID: get("asset_id"), Hostname: strings.ToLower(get("hostname")), IP: get("ip"),
			MAC: get("mac"), Kind: strings.ToLower(get("kind")), Vendor: get("vendor"), Model: get("model"),
			Department: get("department")}
		if a.ID == "" {
			return errors.New("empty asset_id")
		}
		c, err := strconv.Atoi(get("criticality"))
		if err != nil || c < 1 || c > 4 {
			return fmt.Errorf("criticality %q: want 1 (life-sustaining) … 4 (office)", clip(get("criticality")))
		}
		a.Criticality = c
		if a.IP != "" {
			ip, err := netip.ParseAddr(a.IP)
			if err != nil {
				return fmt.Errorf("ip %q: not an IP address", clip(a.IP))
			}
			a.IP = ip.String()
		}
		if a.MAC != "" {
			m, err := net.ParseMAC(a.MAC)
			if err != nil {
				return fmt.Errorf("mac %q: not a MAC address", clip(a.MAC))
			}
			a.MAC = m.String()
		}
		p.Items = append(p.Items, Item{ID: a.ID, Value: a})
		return nil
	})
	return p, err
}
