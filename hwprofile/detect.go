package hwprofile

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"
)

// Options configure Detect. The zero value detects this machine, naming PCI
// devices by their IDs only (see Getenv).
type Options struct {
	// Root is the filesystem root under which /proc and /sys are read; "" means "/".
	Root string
	// Run runs nvidia-smi, rocm-smi and sysctl; nil means ExecRunner.
	Run Runner
	// ToolTimeout bounds each external program; 0 means 10 seconds.
	ToolTimeout time.Duration
	// Getenv reads the environment of the process. Detect uses it only to make
	// sure ghw's PCI database cannot download pci.ids (PCIDB_ENABLE_NETWORK_FETCH);
	// when nil, PCI names are not looked up and sysfs IDs are used instead.
	Getenv func(string) string
	// GOOS is the operating system to detect for; "" means runtime.GOOS.
	GOOS string
	// PlanVersion is recorded in the profile.
	PlanVersion string
	// Now gives the time recorded in the profile; nil means time.Now.
	Now func() time.Time
	// GPU, when its Name is set, describes the GPUs instead of detecting them.
	GPU GPUOverride
}

// GPUOverride describes GPUs by hand: Count GPUs called Name with VRAMBytes each.
type GPUOverride struct {
	Name      string
	VRAMBytes uint64
	Count     int // 0 means 1
}

// detector carries the options and the notes of one Detect call.
type detector struct {
	root    string
	goos    string
	runner  Runner
	timeout time.Duration
	getenv  func(string) string
	notes   []string
}

func (d *detector) notef(format string, args ...any) {
	d.notes = append(d.notes, fmt.Sprintf(format, args...))
}

// run runs an external program with the tool timeout.
func (d *detector) run(ctx context.Context, name string, args ...string) ([]byte, error) {
	tctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	out, err := d.runner(tctx, name, args...)
	if err != nil && ctx.Err() == nil && tctx.Err() != nil {
		err = fmt.Errorf("no answer within %v: %w", d.timeout, err)
	}
	return out, err
}

// Detect describes this machine. Sources that fail or find only part of the
// picture are explained in Profile.Notes; Detect itself fails only when the
// options are wrong or ctx ends.
func Detect(ctx context.Context, opts Options) (Profile, error) {
	if err := opts.GPU.check(); err != nil {
		return Profile{}, err
	}
	if err := ctx.Err(); err != nil {
		return Profile{}, fmt.Errorf("detecting hardware: %w", context.Cause(ctx))
	}
	d := newDetector(opts)
	p := Profile{
		SchemaVersion: SchemaVersion,
		Time:          opts.now().UTC().Truncate(time.Second),
		PlanVersion:   opts.PlanVersion,
		OS:            opts.goos(),
		Arch:          runtime.GOARCH,
	}
	if p.OS == "darwin" {
		d.detectMac(ctx, &p, opts.GPU.Name == "")
	} else {
		d.detectPC(ctx, &p, opts.GPU.Name == "")
	}
	if opts.GPU.Name != "" {
		p.GPUs = opts.GPU.gpus()
		d.notef("GPUs not detected but given: %s", gpuSummary(p.GPUs))
	}
	if p.Virtualization != "" {
		d.notef("%s", virtualizationNote(p.Virtualization))
	}
	if err := ctx.Err(); err != nil {
		return Profile{}, fmt.Errorf("detecting hardware: %w", context.Cause(ctx))
	}
	p.Notes = append([]string{}, d.notes...)
	if p.GPUs == nil {
		p.GPUs = []GPU{}
	}
	return p, nil
}

func newDetector(opts Options) *detector {
	d := &detector{root: opts.Root, goos: opts.goos(), runner: opts.Run, timeout: opts.ToolTimeout, getenv: opts.Getenv}
	if d.root == "" {
		d.root = "/"
	}
	if d.runner == nil {
		d.runner = ExecRunner
	}
	if d.timeout <= 0 {
		d.timeout = 10 * time.Second
	}
	return d
}

func (o Options) goos() string {
	if o.GOOS != "" {
		return o.GOOS
	}
	return runtime.GOOS
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// detectPC fills p on Linux, Windows and the BSDs.
func (d *detector) detectPC(ctx context.Context, p *Profile, gpus bool) {
	gctx := gopsutilContext(ctx, d.root)
	p.CPU = d.detectCPU(gctx)
	p.Memory = d.detectMemory(gctx)
	sys, err := detectSystem(gctx, p.OS, d.root)
	if err != nil {
		d.notef("operating system only partly known: %v", err)
	}
	p.Platform, p.Kernel, p.Virtualization = sys.platform, sys.kernel, sys.virtualization
	if p.OS == "linux" {
		d.notes = append(d.notes, cgroupNotes(d.root, p.Memory, p.CPU)...)
	}
	if gpus {
		p.GPUs = d.detectGPUs(ctx)
	}
}

// detectCPU asks ghw, then gopsutil.
func (d *detector) detectCPU(ctx context.Context) CPU {
	c, err := cpuFromGhw(d.root)
	if err != nil {
		return d.cpuFallback(ctx, err)
	}
	return c
}

// cpuFallback asks gopsutil after the first source failed with err.
func (d *detector) cpuFallback(ctx context.Context, err error) CPU {
	c, err2 := cpuFromGopsutil(ctx)
	if err2 != nil {
		d.notef("CPU not detected: %v; %v", err, err2)
		return CPU{Features: []string{}}
	}
	d.notef("CPU from gopsutil: %v", err)
	return c
}

func (d *detector) detectMemory(ctx context.Context) Memory {
	m, err := memoryFromGopsutil(ctx)
	if err != nil {
		d.notef("memory not detected: %v", err)
	}
	return m
}

// detectMac fills p on macOS from sysctl, with gopsutil for memory.
func (d *detector) detectMac(ctx context.Context, p *Profile, gpus bool) {
	vals, err := runSysctl(ctx, d.run)
	if err != nil {
		d.notef("%v", err)
	}
	p.Platform = strings.TrimSpace("macOS " + vals["kern.osproductversion"])
	p.Kernel = vals["kern.osrelease"]
	if p.CPU, err = cpuFromSysctl(vals); err != nil {
		p.CPU = d.cpuFallback(gopsutilContext(ctx, d.root), err)
	}
	p.Memory = d.detectMemory(gopsutilContext(ctx, d.root))
	if !gpus {
		return
	}
	g, note, ok := appleGPU(vals, p.Memory.AvailableBytes)
	if !ok {
		d.notef("no GPU found: only Apple silicon GPUs are detected on macOS; use --gpu NAME --vram GB to describe one")
		return
	}
	p.GPUs = []GPU{g}
	d.notef("%s", note)
}

func (o GPUOverride) check() error {
	switch {
	case o.Name == "" && (o.VRAMBytes != 0 || o.Count != 0):
		return errors.New("GPU override needs a name")
	case o.Name != "" && o.VRAMBytes == 0:
		return fmt.Errorf("GPU override %q needs its VRAM", o.Name)
	case o.Count < 0:
		return fmt.Errorf("GPU override count %d is negative", o.Count)
	}
	return nil
}

func (o GPUOverride) gpus() []GPU {
	n := max(o.Count, 1)
	vendor := guessVendor(o.Name)
	gpus := make([]GPU, n)
	for i := range gpus {
		gpus[i] = GPU{
			Index:          i,
			Vendor:         vendor,
			Name:           o.Name,
			VRAMTotalBytes: o.VRAMBytes,
			UnifiedMemory:  vendor == "Apple",
			Source:         SourceOverride,
		}
	}
	return gpus
}

// vendorWords name a GPU maker from words in a product name.
var vendorWords = []struct{ vendor, words string }{
	{"NVIDIA", "nvidia geforce rtx gtx quadro tesla titan a100 h100 h200 b200 l4 l40 l40s a10 a10g t4 v100 jetson dgx gb10"},
	{"AMD", "amd radeon instinct mi100 mi210 mi250 mi250x mi300 mi300x mi325x strix"},
	{"Intel", "intel arc iris gaudi"},
	{"Apple", "apple m1 m2 m3 m4 m5"},
}

// guessVendor names the maker of a GPU given by name, or "".
func guessVendor(name string) string {
	words := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
		return r == ' ' || r == '-' || r == '_' || r == '/'
	})
	for _, vw := range vendorWords {
		for _, w := range words {
			if strings.Contains(" "+vw.words+" ", " "+w+" ") {
				return vw.vendor
			}
		}
	}
	return ""
}
