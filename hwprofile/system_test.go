package hwprofile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLinuxPlatform(t *testing.T) {
	tests := []struct {
		name, path, content, want, wantErr string
	}{
		{"Debian", "etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n", "debian 12", ""},
		{"Ubuntu in /usr/lib", "usr/lib/os-release", "NAME=\"Ubuntu\"\nVERSION_ID='24.04'\nID=ubuntu\n", "ubuntu 24.04", ""},
		{"rolling release without a version", "etc/os-release", "NAME=\"Arch Linux\"\nID=arch\n", "arch", ""},
		{"missing", "", "", "", "no /etc/os-release"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			if tt.path != "" {
				full := filepath.Join(root, tt.path)
				if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(full, []byte(tt.content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, err := linuxPlatform(root)
			if got != tt.want {
				t.Errorf("linuxPlatform() = %q; want %q", got, tt.want)
			}
			checkErr(t, err, tt.wantErr)
		})
	}
}
