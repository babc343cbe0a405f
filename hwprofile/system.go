package hwprofile

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/shirou/gopsutil/v3/common"
	"github.com/shirou/gopsutil/v3/host"
	"github.com/shirou/gopsutil/v3/mem"
)

// gopsutilContext points gopsutil at root instead of "/" (and away from the
// HOST_PROC, HOST_SYS and HOST_ETC environment variables it would otherwise read).
func gopsutilContext(ctx context.Context, root string) context.Context {
	return context.WithValue(ctx, common.EnvKey, common.EnvMap{
		common.HostProcEnvKey: filepath.Join(root, "proc"),
		common.HostSysEnvKey:  filepath.Join(root, "sys"),
		common.HostEtcEnvKey:  filepath.Join(root, "etc"),
	})
}

// memoryFromGopsutil reads total and available RAM (Linux: /proc/meminfo
// MemTotal and MemAvailable).
func memoryFromGopsutil(ctx context.Context) (Memory, error) {
	vm, err := mem.VirtualMemoryWithContext(ctx)
	if err != nil {
		return Memory{}, fmt.Errorf("gopsutil: %w", err)
	}
	return Memory{TotalBytes: vm.Total, AvailableBytes: vm.Available, Source: SourceGopsutil}, nil
}

// system is the operating system part of a Profile.
type system struct {
	platform, kernel, virtualization string
}

// detectSystem reads the distribution, kernel and hypervisor. On Linux
// the distribution comes from /etc/os-release, since gopsutil would run the
// slow lsb_release program where /etc/lsb-release is missing. Missing pieces
// are left empty and reported in the returned error.
func detectSystem(ctx context.Context, goos, root string) (system, error) {
	var s system
	var problems []string
	var err error
	if goos == "linux" {
		s.platform, err = linuxPlatform(root)
	} else {
		s.platform, err = otherPlatform(ctx)
	}
	if err != nil {
		problems = append(problems, fmt.Sprintf("platform: %v", err))
	}
	if s.kernel, err = host.KernelVersionWithContext(ctx); err != nil {
		problems = append(problems, fmt.Sprintf("kernel: %v", err))
	}
	if name, role, err := host.VirtualizationWithContext(ctx); err == nil && role == "guest" {
		s.virtualization = name
	}
	if len(problems) > 0 {
		return s, fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return s, nil
}

// linuxPlatform reads ID and VERSION_ID from /etc/os-release (or
// /usr/lib/os-release), e.g. "debian 12".
func linuxPlatform(root string) (string, error) {
	var text string
	for _, path := range []string{"etc/os-release", "usr/lib/os-release"} {
		if text = readTrimmed(filepath.Join(root, path)); text != "" {
			break
		}
	}
	if text == "" {
		return "", errors.New("no /etc/os-release")
	}
	vals := parseUevent(text)
	unquote := func(s string) string { return strings.Trim(s, `"'`) }
	return strings.TrimSpace(unquote(vals["ID"]) + " " + unquote(vals["VERSION_ID"])), nil
}

func otherPlatform(ctx context.Context) (string, error) {
	platform, _, version, err := host.PlatformInformationWithContext(ctx)
	if err != nil {
		return "", fmt.Errorf("gopsutil: %w", err)
	}
	return strings.TrimSpace(platform + " " + version), nil
}
