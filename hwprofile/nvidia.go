package hwprofile

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// nvidiaSMIArgs asks nvidia-smi for one CSV line per GPU, memory in MiB. The
// GPU UUID is not asked for: a profile may be shared, and plan has no use for it.
var nvidiaSMIArgs = []string{
	"--query-gpu=index,name,pci.bus_id,memory.total,memory.used,memory.free,driver_version",
	"--format=csv,noheader,nounits",
}

const nvidiaSMIFields = 7

// nvidiaGPUs runs nvidia-smi. It returns the GPUs it lists, or a problem
// worth a note. A malformed line is skipped and reported; the others are kept.
func nvidiaGPUs(ctx context.Context, run Runner) ([]GPU, string) {
	out, err := run(ctx, "nvidia-smi", nvidiaSMIArgs...)
	if err != nil {
		return nil, toolProblem("nvidia-smi", err)
	}
	gpus, err := parseNvidiaSMI(out)
	if err != nil {
		return gpus, fmt.Sprintf("reading nvidia-smi output: %v", err)
	}
	if len(gpus) == 0 {
		return nil, "nvidia-smi lists no GPU"
	}
	return gpus, ""
}

// parseNvidiaSMI reads the output of nvidia-smi with nvidiaSMIArgs. Memory
// given as "[N/A]" or "[Not Supported]" is left at zero (unknown).
func parseNvidiaSMI(out []byte) ([]GPU, error) {
	var gpus []GPU
	var errs []error
	for n, line := range strings.Split(string(out), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		g, err := parseNvidiaSMILine(line)
		if err != nil {
			errs = append(errs, fmt.Errorf("line %d: %w", n+1, err))
			continue
		}
		gpus = append(gpus, g)
	}
	return gpus, errors.Join(errs...)
}

func parseNvidiaSMILine(line string) (GPU, error) {
	f := strings.Split(line, ",")
	if len(f) != nvidiaSMIFields {
		return GPU{}, fmt.Errorf("want %d comma-separated fields, got %d", nvidiaSMIFields, len(f))
	}
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	index, err := strconv.Atoi(f[0])
	if err != nil {
		return GPU{}, fmt.Errorf("index %q is not a number", f[0])
	}
	total, err := mibField("memory.total", f[3])
	if err != nil {
		return GPU{}, err
	}
	free, err := mibField("memory.free", f[5])
	if err != nil {
		return GPU{}, err
	}
	if f[1] == "" {
		return GPU{}, errors.New("empty name")
	}
	return GPU{
		Index:          index,
		Vendor:         "NVIDIA",
		Name:           f[1],
		VRAMTotalBytes: total,
		VRAMFreeBytes:  free,
		Driver:         strings.TrimSpace("nvidia " + notAvailable(f[6])),
		PCIAddress:     normalizePCIAddress(f[2]),
		Source:         SourceNvidiaSMI,
	}, nil
}

// mibField parses a memory figure in MiB; "[N/A]" and the like mean unknown (0).
func mibField(name, s string) (uint64, error) {
	if notAvailable(s) == "" {
		return 0, nil
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s %q is not a number of MiB", name, s)
	}
	return v << 20, nil
}

// notAvailable maps nvidia-smi's "[N/A]" and "[Not Supported]" to "".
func notAvailable(s string) string {
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		return ""
	}
	return s
}

// normalizePCIAddress writes a PCI address the way Linux sysfs does:
// nvidia-smi's "00000000:01:00.0" becomes "0000:01:00.0".
func normalizePCIAddress(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	parts := strings.Split(s, ":")
	switch len(parts) {
	case 2:
		return "0000:" + s
	case 3:
		domain, err := strconv.ParseUint(parts[0], 16, 32)
		if err != nil {
			return s
		}
		return fmt.Sprintf("%04x:%s:%s", domain, parts[1], parts[2])
	}
	return s
}
