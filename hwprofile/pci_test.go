package hwprofile

import "testing"

func TestIsVirtualDisplay(t *testing.T) {
	tests := []struct {
		name string
		d    pciDisplay
		want bool
	}{
		{"QEMU stdvga", pciDisplay{VendorID: "1234", DeviceID: "1111"}, true},
		{"virtio-gpu", pciDisplay{VendorID: "1af4", DeviceID: "1050"}, true},
		{"Cirrus", pciDisplay{VendorID: "1013", DeviceID: "00b8"}, true},
		{"VMware SVGA", pciDisplay{VendorID: "15ad", DeviceID: "0405"}, true},
		{"ASPEED BMC", pciDisplay{VendorID: "1a03", DeviceID: "2000"}, true},
		{"Matrox G200 BMC", pciDisplay{VendorID: "102b", DeviceID: "0536"}, true},
		{"Hyper-V by name only", pciDisplay{Name: "Microsoft Hyper-V Video"}, true},
		{"NVIDIA", pciDisplay{VendorID: "10de", DeviceID: "2684", Vendor: "NVIDIA", Name: "NVIDIA GeForce RTX 4090"}, false},
		{"AMD", pciDisplay{VendorID: "1002", DeviceID: "744c", Vendor: "AMD", Name: "AMD Radeon RX 7900 XTX"}, false},
		{"Intel iGPU", pciDisplay{VendorID: "8086", DeviceID: "a780", Vendor: "Intel", Name: "Intel UHD Graphics 770"}, false},
	}
	for _, tt := range tests {
		if got := isVirtualDisplay(tt.d); got != tt.want {
			t.Errorf("%s: isVirtualDisplay(%+v) = %v; want %v", tt.name, tt.d, got, tt.want)
		}
	}
}

func TestIsDisplayClass(t *testing.T) {
	tests := []struct {
		class, vendor string
		want          bool
	}{
		{"0x030000", "10de", true},
		{"0x030200", "10de", true}, // 3D controller, e.g. a headless data-centre GPU
		{"0x038000", "1002", true},
		{"0x120000", "1002", true}, // processing accelerator from a GPU vendor
		{"0x120000", "1e52", false},
		{"0x020000", "1af4", false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got := isDisplayClass(tt.class, tt.vendor); got != tt.want {
			t.Errorf("isDisplayClass(%q, %q) = %v; want %v", tt.class, tt.vendor, got, tt.want)
		}
	}
}

func TestMarketingName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"AD102 [GeForce RTX 4090]", "GeForce RTX 4090"},
		{"Navi 31 [Radeon RX 7900 XT/7900 XTX/7900 GRE/7900M]", "Radeon RX 7900 XT/7900 XTX/7900 GRE/7900M"},
		{"ASPEED Graphics Family", "ASPEED Graphics Family"},
		{"Broken [", "Broken ["},
		{"Empty []", "Empty []"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := marketingName(tt.in); got != tt.want {
			t.Errorf("marketingName(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestWithVendor(t *testing.T) {
	tests := []struct{ vendor, name, want string }{
		{"NVIDIA", "GeForce RTX 4090", "NVIDIA GeForce RTX 4090"},
		{"NVIDIA", "NVIDIA GeForce RTX 4090", "NVIDIA GeForce RTX 4090"},
		{"AMD", "amd Instinct MI300X", "amd Instinct MI300X"},
		{"", "Mystery", "Mystery"},
	}
	for _, tt := range tests {
		if got := withVendor(tt.vendor, tt.name); got != tt.want {
			t.Errorf("withVendor(%q, %q) = %q; want %q", tt.vendor, tt.name, got, tt.want)
		}
	}
}

func TestNetworkFetchEnabled(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "PCIDB_ENABLE_NETWORK_FETCH" {
				return v
			}
			return ""
		}
	}
	tests := []struct {
		name   string
		getenv func(string) string
		want   bool
	}{
		{"environment unknown", nil, true},
		{"unset", env(""), false},
		{"true", env("true"), true},
		{"1", env("1"), true},
		{"false", env("0"), false},
		{"not a bool: pcidb ignores it", env("yes please"), false},
	}
	for _, tt := range tests {
		if got := networkFetchEnabled(tt.getenv); got != tt.want {
			t.Errorf("%s: networkFetchEnabled() = %v; want %v", tt.name, got, tt.want)
		}
	}
}
