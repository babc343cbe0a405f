package hwprofile

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

const vendorAMD = "0x1002"

// amdSysfsGPUs reads the VRAM the amdgpu driver reports in
// /sys/class/drm/cardN/device/mem_info_vram_total and mem_info_vram_used, for
// every AMD card. It returns the cards with a VRAM figure, or a problem worth a note.
func amdSysfsGPUs(root string) ([]GPU, string) {
	drm := filepath.Join(root, "sys", "class", "drm")
	cards, err := filepath.Glob(filepath.Join(drm, "card*"))
	if err != nil || len(cards) == 0 {
		return nil, "no AMD VRAM in /sys/class/drm (no cards)"
	}
	sort.Strings(cards)
	var gpus []GPU
	for _, card := range cards {
		if strings.Contains(filepath.Base(card), "-") { // card0-DP-1: a connector
			continue
		}
		if g, ok := amdSysfsCard(filepath.Join(card, "device")); ok {
			g.Index = len(gpus)
			gpus = append(gpus, g)
		}
	}
	if len(gpus) == 0 {
		return nil, "no AMD VRAM in /sys/class/drm"
	}
	return gpus, ""
}

// amdSysfsCard reads one card's device directory.
func amdSysfsCard(dev string) (GPU, bool) {
	if readTrimmed(filepath.Join(dev, "vendor")) != vendorAMD {
		return GPU{}, false
	}
	total, err := readUint(filepath.Join(dev, "mem_info_vram_total"))
	if err != nil || total == 0 {
		return GPU{}, false
	}
	g := GPU{Vendor: "AMD", VRAMTotalBytes: total, Source: SourceSysfs}
	if used, err := readUint(filepath.Join(dev, "mem_info_vram_used")); err == nil && used <= total {
		g.VRAMFreeBytes = total - used
	}
	g.Name = readTrimmed(filepath.Join(dev, "product_name"))
	uevent := parseUevent(readTrimmed(filepath.Join(dev, "uevent")))
	g.PCIAddress = uevent["PCI_SLOT_NAME"]
	g.Driver = uevent["DRIVER"]
	if g.PCIAddress == "" {
		if target, err := os.Readlink(dev); err == nil {
			g.PCIAddress = filepath.Base(target)
		}
	}
	if g.Name == "" {
		g.Name = "AMD GPU " + readTrimmed(filepath.Join(dev, "device"))
	}
	return g, true
}

// parseUevent reads KEY=value lines.
func parseUevent(s string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(s, "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), "="); ok {
			m[k] = v
		}
	}
	return m
}

func readTrimmed(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

func readUint(path string) (uint64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

// rocmSMIArgs asks rocm-smi for product names and VRAM in bytes, as JSON.
var rocmSMIArgs = []string{"--showproductname", "--showmeminfo", "vram", "--json"}

// rocmGPUs runs rocm-smi, the fallback when sysfs has no VRAM figures.
func rocmGPUs(ctx context.Context, run Runner) ([]GPU, string) {
	out, err := run(ctx, "rocm-smi", rocmSMIArgs...)
	if err != nil {
		return nil, toolProblem("rocm-smi", err)
	}
	gpus, err := parseRocmSMI(out)
	if err != nil {
		return nil, fmt.Sprintf("reading rocm-smi output: %v", err)
	}
	if len(gpus) == 0 {
		return nil, "rocm-smi lists no GPU"
	}
	return gpus, ""
}

// parseRocmSMI reads the JSON of rocm-smi with rocmSMIArgs: an object with one
// "cardN" object per GPU whose values are strings. Key spelling changed between
// ROCm releases ("Card series" / "Card Series"), so keys match in any case.
// Anything before the first "{" (rocm-smi prints warnings there) is skipped.
func parseRocmSMI(out []byte) ([]GPU, error) {
	start := bytes.IndexByte(out, '{')
	if start < 0 {
		return nil, errors.New("no JSON object")
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(out[start:], &top); err != nil {
		return nil, fmt.Errorf("decoding JSON: %w", err)
	}
	var gpus []GPU
	for _, key := range cardKeys(top) {
		g, err := rocmCard(top[key])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		g.Index = len(gpus)
		gpus = append(gpus, g)
	}
	return gpus, nil
}

// cardKeys returns the "cardN" keys in N order.
func cardKeys(top map[string]json.RawMessage) []string {
	var keys []string
	for k := range top {
		if _, err := strconv.Atoi(strings.TrimPrefix(k, "card")); err == nil && strings.HasPrefix(k, "card") {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		a, _ := strconv.Atoi(strings.TrimPrefix(keys[i], "card"))
		b, _ := strconv.Atoi(strings.TrimPrefix(keys[j], "card"))
		return a < b
	})
	return keys
}

func rocmCard(raw json.RawMessage) (GPU, error) {
	var fields map[string]any
	if err := json.Unmarshal(raw, &fields); err != nil {
		return GPU{}, fmt.Errorf("decoding JSON: %w", err)
	}
	get := func(name string) string {
		for k, v := range fields {
			if strings.EqualFold(k, name) {
				return strings.TrimSpace(fmt.Sprint(v))
			}
		}
		return ""
	}
	total, err := strconv.ParseUint(get("VRAM Total Memory (B)"), 10, 64)
	if err != nil {
		return GPU{}, fmt.Errorf("VRAM Total Memory (B) %q is not a number of bytes", get("VRAM Total Memory (B)"))
	}
	g := GPU{Vendor: "AMD", VRAMTotalBytes: total, Source: SourceRocmSMI}
	if used, err := strconv.ParseUint(get("VRAM Total Used Memory (B)"), 10, 64); err == nil && used <= total {
		g.VRAMFreeBytes = total - used
	}
	g.Name = amdName(get("Card Series"), get("Card Model"))
	return g, nil
}

// amdName prefers the marketing name: "Navi 31 [Radeon RX 7900 XT/7900 XTX]"
// becomes "AMD Radeon RX 7900 XT/7900 XTX".
func amdName(series, model string) string {
	name := marketingName(series)
	if name == "" {
		name = model
	}
	if name == "" {
		return "AMD GPU"
	}
	return withVendor("AMD", name)
}
