package usage

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
)

// scanAll reads every row of data with the scanner: each row's fields (nil
// for a bad row), start line and error, up to the end or the input's error.
func scanAll(r *bufio.Reader, block int) (rows [][]string, lines []int, errs []error) {
	s := &csvScanner{r: r, block: block}
	for {
		b := newBatch()
		last := s.fill(b, 3)
		b.seal()
		for i := range b.n {
			line, err := b.lines[i], b.errs[i]
			var vals []string
			if err == nil {
				vals = []string{}
				for k := range b.fields(i).n() {
					vals = append(vals, b.fields(i).at(k))
				}
			}
			rows, lines, errs = append(rows, vals), append(lines, line), append(errs, err)
		}
		if last {
			return
		}
	}
}

// readAll is the same with encoding/csv.
func readAll(r *bufio.Reader) (rows [][]string, lines []int, errs []error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	for {
		vals, err := cr.Read()
		if err == io.EOF {
			return
		}
		line := 0
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe):
			vals, line = nil, pe.StartLine
		case err == nil:
			line, _ = cr.FieldPos(0)
		default: // the input failed: the row is lost with it
			vals = nil
		}
		rows, lines, errs = append(rows, vals), append(lines, line), append(errs, err)
		if err != nil && !errors.As(err, &pe) {
			return
		}
	}
}

func sameScan(t *testing.T, data []byte, size int, wrap func(io.Reader) io.Reader) {
	t.Helper()
	gotRows, gotLines, gotErrs := scanAll(bufio.NewReaderSize(wrap(bytes.NewReader(data)), size), size)
	wantRows, wantLines, wantErrs := readAll(bufio.NewReaderSize(wrap(bytes.NewReader(data)), size))
	if !reflect.DeepEqual(gotRows, wantRows) || !reflect.DeepEqual(gotLines, wantLines) || len(gotErrs) != len(wantErrs) {
		t.Fatalf("%q (buffer %d):\nscanner  %q %v %v\ncsv      %q %v %v", data, size, gotRows, gotLines, gotErrs, wantRows, wantLines, wantErrs)
	}
	for i := range gotErrs {
		var g, w *csv.ParseError
		switch {
		case errors.As(gotErrs[i], &g) != errors.As(wantErrs[i], &w):
			t.Fatalf("%q row %d: error %v, encoding/csv %v", data, i, gotErrs[i], wantErrs[i])
		case g != nil && *g != *w:
			t.Fatalf("%q row %d: error %#v, encoding/csv %#v", data, i, *g, *w)
		case g == nil && (gotErrs[i] == nil) != (wantErrs[i] == nil):
			t.Fatalf("%q row %d: error %v, encoding/csv %v", data, i, gotErrs[i], wantErrs[i])
		}
	}
}

var scanSeeds = []string{
	"a,b,c\n1,2,3\n",
	"a,b\r\n1,2\r\n\r\n\n3,4",
	"a,\"b,c\",d\n\"x\"\"y\",z\n",
	"\"multi\nline\",2\n3,4\n",
	"\"multi\r\nline\r\n\",2\r\n",
	"a,b\"c,d\ne,f\n",
	"\"a\"b,c\nd,e\n",
	"\"unterminated,a\nb,c\n",
	"\"x\"\n\"",
	"a,b\r",
	"\r\n\r\n",
	",,\n,\n",
	"\"\",\"\"\"\"\n",
	"a,\"b\"\n",
	"a,\"b\n",
	"\"a\nb\"c\n",
	"é,\"ü\"\n",
	"a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z\n",
}

// TestScannerMatchesEncodingCSV checks the scanner against encoding/csv
// on inputs that reach each of its rules.
func TestScannerMatchesEncodingCSV(t *testing.T) {
	same := func(r io.Reader) io.Reader { return r }
	for _, s := range scanSeeds {
		for _, size := range []int{1, 3, 16, 4096} {
			sameScan(t, []byte(s), size, same)
			sameScan(t, []byte(s), size, iotest.OneByteReader)
		}
	}
}

// TestScannerReadError checks that a read error part way stops both alike.
func TestScannerReadError(t *testing.T) {
	broken := func(r io.Reader) io.Reader {
		return io.MultiReader(io.LimitReader(r, 9), iotest.ErrReader(errors.New("disk gone")))
	}
	for _, s := range scanSeeds {
		sameScan(t, []byte(s), 16, broken)
	}
}

func FuzzScanner(f *testing.F) {
	for _, s := range scanSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		same := func(r io.Reader) io.Reader { return r }
		sameScan(t, data, 1, same)
		sameScan(t, data, 5, same)
		sameScan(t, data, 4096, same)
		sameScan(t, data, 4096, iotest.HalfReader)
	})
}

// TestRecordsOutliveBatches checks that a record kept after fn returns
// still holds what fn saw, once the batches its row came from have been
// reused (and, in tests, overwritten).
func TestRecordsOutliveBatches(t *testing.T) {
	files, _ := filepath.Glob("testdata/*/*.csv")
	big := filepath.Join(t.TempDir(), "activity.csv")
	if err := writeOpenRouterExport(big, 3*splitBytes/100+7); err != nil {
		t.Fatal(err)
	}
	for _, file := range append(files, big) {
		var seen []string
		var kept []Record
		_, err := Read(context.Background(), []string{file}, Options{}, func(r *Record) error {
			b, _ := json.Marshal(r)
			seen = append(seen, string(b))
			kept = append(kept, *r)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(kept) == 0 && !strings.Contains(file, "empty") {
			t.Fatalf("%s: no records", file)
		}
		for i, r := range kept {
			if b, _ := json.Marshal(r); string(b) != seen[i] {
				t.Fatalf("%s: record %d changed after its batch was reused:\n%s\nwas\n%s", file, i, b, seen[i])
			}
		}
	}
}

func FuzzPlainDecimal(f *testing.F) {
	for _, s := range []string{"0.0012345", "12", "1.", ".5", "0.000000000000001", "999999999999999", "1.2.3", "", "."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := plainDecimal(s)
		if !ok {
			return
		}
		want, err := strconv.ParseFloat(s, 64)
		if err != nil || v != want {
			t.Fatalf("plainDecimal(%q) = %v; ParseFloat gives %v, %v", s, v, want, err)
		}
	})
}
