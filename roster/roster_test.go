package roster

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ties"
)

func code(s string) string {
	return map[string]string{"france": "FR", "fr": "FR", "egypt": "EG", "eg": "EG"}[strings.ToLower(s)]
}

func write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadCSVWithAttributes(t *testing.T) {
	p := write(t, "staff.csv", "id,full_name,dept,date_of_birth,nationality,passport\n"+
		"e1,Ayman al-Zawahiri,R&D,1951-06-19,Egypt,\n"+
		"e2,,HR,,,\n"+
		"e3,Jean Dupont,Sales,1980,FR; Egypt,AB 123 456\n")
	r, err := Read(p, Columns{Key: "id"}, code)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rows) != 2 || strings.Join(r.Header, ",") != "id,full_name,dept,date_of_birth,nationality,passport" {
		t.Fatalf("%+v", r)
	}
	a, b := r.Rows[0], r.Rows[1]
	if a.Name != "Ayman al-Zawahiri" || a.Key != "e1" || a.Line != 2 || a.Attributes.BirthDate != ties.MustDate("1951-06-19") ||
		strings.Join(a.Attributes.Countries, ",") != "EG" || a.Fields[2] != "R&D" {
		t.Errorf("row 1: %+v", a)
	}
	if b.Line != 4 || strings.Join(b.Attributes.Countries, ",") != "FR,EG" || len(b.Attributes.Identifiers) != 1 {
		t.Errorf("row 3: %+v", b)
	}
}

func TestReadRefusesWithFileLineAndColumn(t *testing.T) {
	for _, c := range []struct {
		name, content, want string
	}{
		{"bad.csv", "name,dob\nA B,1951-13-01\n", `bad.csv:2: column "dob"`},
		{"bad.csv", "name,country\nA B,Narnia\n", `bad.csv:2: column "country"`},
		{"ragged.csv", "name,dob\nA B,1951,x\n", "ragged.csv:2"},
		{"roster.csv", "PK\x03\x04binary", "zip archive"},
		{"roster.txt", "%PDF-1.7\n", "PDF"},
		{"roster.txt", "a\x00b\n", "NUL"},
		{"roster.csv", "\xd0\xcf\x11\xe0xls", "legacy Excel"},
	} {
		_, err := Read(write(t, c.name, c.content), Columns{}, code)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %q: err %v, want %q", c.name, c.content, err, c.want)
		}
	}
	if _, err := Read(write(t, "r.csv", "name\nx\n"), Columns{Name: "who"}, code); err == nil || !strings.Contains(err.Error(), `r.csv:1: --column: no column "who"`) {
		t.Errorf("unknown column: %v", err)
	}
}

func TestReadXLSX(t *testing.T) {
	f := excelize.NewFile()
	f.NewSheet("Staff")
	for i, row := range [][]any{{"id", "name", "dob"}, {"e1", "Ayman al-Zawahiri", "1951"}, {"e2", "Jean Dupont", ""}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Staff", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	p := filepath.Join(t.TempDir(), "staff.xlsx")
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	r, err := Read(p, Columns{Sheet: "Staff", Key: "id"}, code)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rows) != 2 || r.Rows[0].Name != "Ayman al-Zawahiri" || r.Rows[0].Attributes.BirthDate != ties.MustDate("1951") || r.Rows[1].Key != "e2" {
		t.Errorf("%+v", r)
	}
	if _, err := Read(p, Columns{Sheet: "Nope"}, code); err == nil || !strings.Contains(err.Error(), `no such sheet (sheets: Sheet1, Staff)`) {
		t.Errorf("unknown sheet: %v", err)
	}
}
