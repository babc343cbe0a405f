package hwprofile

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/jaypipes/ghw"
)

// pciDisplay is a display controller (or a GPU-class accelerator) on the PCI bus.
type pciDisplay struct {
	Address  string // "0000:01:00.0"
	VendorID string // "10de", lower case, no "0x"
	DeviceID string // "2684"
	Vendor   string // short vendor name, see vendorNames
	Name     string // product name
	Driver   string // kernel driver bound to it
	Modalias string // "pci:v000010DEd00002684sv...", what ghw reads the IDs from
	Source   string // SourceSysfs or SourceGhw
}

// vendorNames are short names of PCI vendors that make GPUs or virtual or
// management display adapters.
var vendorNames = map[string]string{
	"10de": "NVIDIA",
	"1002": "AMD",
	"8086": "Intel",
	"106b": "Apple",
	"1234": "QEMU",
	"1af4": "virtio",
	"1b36": "Red Hat QXL",
	"1013": "Cirrus Logic",
	"15ad": "VMware",
	"1a03": "ASPEED",
	"80ee": "VirtualBox",
	"1414": "Microsoft Hyper-V",
	"102b": "Matrox",
	"19e5": "Huawei",
}

// virtualVendors make display adapters that only draw a console: emulated VGA
// in virtual machines and the graphics of server management controllers (BMC).
var virtualVendors = map[string]bool{
	"1234": true, "1af4": true, "1b36": true, "1013": true, "15ad": true,
	"1a03": true, "80ee": true, "1414": true, "102b": true, "19e5": true,
}

// virtualWords find the same adapters by name where only a name is known.
var virtualWords = []string{"qemu", "virtio", "bochs", "qxl", "cirrus", "svga", "vmware",
	"virtualbox", "hyper-v", "aspeed", "matrox", "g200", "basic display", "bmc"}

// isVirtualDisplay reports whether d is a display adapter no model can run on.
func isVirtualDisplay(d pciDisplay) bool {
	if virtualVendors[d.VendorID] {
		return true
	}
	name := strings.ToLower(d.Vendor + " " + d.Name)
	for _, w := range virtualWords {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// isDisplayClass reports whether a PCI class code ("0x030000") is a display
// controller, or a processing accelerator from a GPU vendor (some data-centre
// GPUs present themselves so).
func isDisplayClass(class, vendorID string) bool {
	class = strings.TrimPrefix(strings.ToLower(class), "0x")
	if strings.HasPrefix(class, "03") {
		return true
	}
	return strings.HasPrefix(class, "12") && (vendorID == "10de" || vendorID == "1002")
}

// sysfsDisplays lists display controllers from /sys/bus/pci/devices.
func sysfsDisplays(root string) ([]pciDisplay, error) {
	dir := filepath.Join(root, "sys", "bus", "pci", "devices")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("listing PCI devices: %w", err)
	}
	var out []pciDisplay
	for _, e := range entries {
		if d, ok := sysfsDisplay(filepath.Join(dir, e.Name())); ok {
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Address < out[j].Address })
	return out, nil
}

// sysfsDisplay reads the PCI device directory dev, if it is a display controller.
func sysfsDisplay(dev string) (pciDisplay, bool) {
	vendor := hexID(readTrimmed(filepath.Join(dev, "vendor")))
	if !isDisplayClass(readTrimmed(filepath.Join(dev, "class")), vendor) {
		return pciDisplay{}, false
	}
	d := pciDisplay{
		Address:  filepath.Base(dev),
		VendorID: vendor,
		DeviceID: hexID(readTrimmed(filepath.Join(dev, "device"))),
		Vendor:   vendorName(vendor, ""),
		Modalias: readTrimmed(filepath.Join(dev, "modalias")),
		Source:   SourceSysfs,
	}
	d.Name = fmt.Sprintf("%s device %s:%s", d.Vendor, d.VendorID, d.DeviceID)
	if target, err := os.Readlink(filepath.Join(dev, "driver")); err == nil {
		d.Driver = filepath.Base(target)
	}
	return d, true
}

// hexID turns sysfs's "0x10de" into "10de".
func hexID(s string) string {
	return strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), "0x")
}

// vendorName is the short name of a vendor ID, else the PCI database name,
// else the ID.
func vendorName(id, dbName string) string {
	if n, ok := vendorNames[id]; ok {
		return n
	}
	if dbName != "" && dbName != "unknown" {
		return dbName
	}
	return "PCI vendor " + id
}

// nameDisplaysWithGhw replaces the sysfs names of displays by the PCI database
// names ghw finds. It returns the displays unchanged and the error when ghw fails.
func nameDisplaysWithGhw(root string, displays []pciDisplay) ([]pciDisplay, error) {
	info, err := ghw.PCI(ghwOptions(root)...)
	if err != nil {
		return displays, fmt.Errorf("ghw: %w", err)
	}
	out := make([]pciDisplay, len(displays))
	for i, d := range displays {
		out[i] = d
		dev := info.GetDevice(d.Address)
		if dev == nil && d.Modalias != "" {
			dev = info.ParseDevice(d.Address, d.Modalias)
		}
		if dev != nil {
			out[i] = fromGhwDevice(dev, d)
		}
	}
	return out, nil
}

// fromGhwDevice takes the names ghw found for d.
func fromGhwDevice(dev *ghw.PCIDevice, d pciDisplay) pciDisplay {
	var dbVendor, product string
	if dev.Vendor != nil {
		dbVendor = dev.Vendor.Name
	}
	if dev.Product != nil && dev.Product.Name != "unknown" {
		product = dev.Product.Name
	}
	d.Vendor = vendorName(d.VendorID, dbVendor)
	if product != "" {
		d.Name = withVendor(d.Vendor, orUnknown(marketingName(product), product))
	}
	if dev.Driver != "" {
		d.Driver = dev.Driver
	}
	d.Source = SourceGhw
	return d
}

// marketingName takes the bracketed part of a PCI database product name:
// "AD102 [GeForce RTX 4090]" becomes "GeForce RTX 4090". A name without
// brackets is returned as it is.
func marketingName(product string) string {
	open := strings.LastIndexByte(product, '[')
	end := strings.LastIndexByte(product, ']')
	if open >= 0 && end > open+1 {
		return strings.TrimSpace(product[open+1 : end])
	}
	return strings.TrimSpace(product)
}

// withVendor puts the vendor in front of a name that lacks it.
func withVendor(vendor, name string) string {
	if vendor == "" || strings.HasPrefix(strings.ToLower(name), strings.ToLower(vendor)) {
		return name
	}
	return vendor + " " + name
}

// networkFetchEnabled reports whether the environment asks pcidb, which ghw
// uses for PCI names, to download pci.ids when no local copy exists. ghw
// v0.26 gives no option to forbid it (its WithPCIDB is ignored), so plan does
// not call ghw for PCI names when this is set. A nil getenv counts as set:
// without seeing the environment, plan cannot tell.
func networkFetchEnabled(getenv func(string) string) bool {
	if getenv == nil {
		return true
	}
	on, err := strconv.ParseBool(getenv("PCIDB_ENABLE_NETWORK_FETCH"))
	return err == nil && on
}
