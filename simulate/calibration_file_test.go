package simulate

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestFileRoundTrip(t *testing.T) {
	c := Calibration{
		Quants:       []QuantCost{{Quant: "Q8_0", BitsPerWeight: 8.5, Decode: Line{OverheadSeconds: 1e-3, PerWeightSeconds: 1e-10}}},
		DecodeBand:   Band{Low: 0.8, High: 1.2},
		BandwidthGBs: 20, Hardware: "test box", ServerVersion: "0.6.5", Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
	}
	b, err := MarshalCalibration(c)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "calibration.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ReadCalibration(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, c) {
		t.Errorf("read %+v; wrote %+v", got, c)
	}
}

func TestReadFileErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ name, content, want string }{
		{"garbage", "{", "not a calibration file"},
		{"other kind", `{"kind":"x","version":1}`, "want \"plan-calibration\""},
		{"empty", `{"kind":"plan-calibration","version":1}`, "no quant types"},
	} {
		path := filepath.Join(dir, tc.name)
		if err := os.WriteFile(path, []byte(tc.content), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadCalibration(path); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: ReadFile = %v; want an error naming the file and %q", tc.name, err, tc.want)
		}
	}
	if _, err := ReadCalibration(filepath.Join(dir, "missing")); err == nil || !strings.Contains(err.Error(), "--calibrate") {
		t.Errorf("missing file: %v; want a hint to calibrate", err)
	}
}
