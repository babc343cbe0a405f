package hwprofile

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/shirou/gopsutil/v3/mem"
)

// BandwidthOptions configure MeasureBandwidth. Zero values choose defaults.
type BandwidthOptions struct {
	// Threads is the number of goroutines copying at once; 0 means one per
	// logical core (runtime.NumCPU).
	Threads int
	// BufferBytes is the size of each goroutine's source and of its destination
	// buffer; 0 means 256 MiB shared among the goroutines, at least 8 MiB each,
	// and all buffers within a quarter of the available memory: 512 MiB or more
	// in all, many times any last-level cache.
	BufferBytes int
	// Budget is the wall time, allocation included, after which no new pass
	// starts; 0 means 1.5 seconds. The timed passes get at least a third of
	// it even when allocating was slow, but no pass starts after twice the
	// budget. At least 3 timed passes run, at most 100.
	Budget time.Duration
}

const (
	minPasses = 3
	maxPasses = 100
)

// Bandwidth is the result of MeasureBandwidth.
type Bandwidth struct {
	GBPerS      float64       // best pass: (bytes read + bytes written) / seconds / 10^9
	Threads     int           // goroutines copying at once
	BufferBytes int           // size of each source and each destination buffer
	Passes      int           // timed passes, after one untimed warm-up pass
	Elapsed     time.Duration // wall time of the whole measurement
}

// Method says in one line how the figure was measured.
func (b Bandwidth) Method() string {
	return fmt.Sprintf("copy: bytes read + written per second, %d goroutines × 2 buffers of %d MiB, best of %d passes",
		b.Threads, b.BufferBytes>>20, b.Passes)
}

// MeasureBandwidth measures memory bandwidth the way STREAM's copy kernel
// counts it. Each goroutine owns a source and a destination buffer, together
// much larger than the last-level cache; in each pass all goroutines copy
// their source to their destination at once (Go's copy, which streams large
// blocks with non-temporal stores on amd64), and the pass moves
// 2 × BufferBytes × Threads bytes: every byte is read once and written once.
// The result is the fastest pass after an untimed warm-up pass that also
// faults the pages in. LLM decoding on a CPU or on unified memory reads all
// weights once per token, so this figure bounds its speed.
func MeasureBandwidth(ctx context.Context, opts BandwidthOptions) (Bandwidth, error) {
	start := time.Now()
	opts = opts.withDefaults()
	bufs, err := newBuffers(opts.Threads, opts.BufferBytes)
	if err != nil {
		return Bandwidth{}, fmt.Errorf("measuring bandwidth: %w", err)
	}
	defer bufs.release()
	bufs.copyAll() // warm-up
	b := Bandwidth{Threads: opts.Threads, BufferBytes: opts.BufferBytes}
	moved := float64(2 * opts.BufferBytes * opts.Threads)
	// Slow allocation must not starve the passes: they get at least a third
	// of the budget, and the whole measurement at most twice the budget.
	passTime := min(max(opts.Budget-time.Since(start), opts.Budget/3), 2*opts.Budget-time.Since(start))
	deadline := time.Now().Add(passTime)
	for b.Passes < maxPasses && (b.Passes < minPasses || time.Now().Before(deadline)) {
		if err := ctx.Err(); err != nil {
			return Bandwidth{}, fmt.Errorf("measuring bandwidth: %w", context.Cause(ctx))
		}
		t := time.Now()
		bufs.copyAll()
		b.GBPerS = max(b.GBPerS, moved/time.Since(t).Seconds()/1e9)
		b.Passes++
	}
	b.Elapsed = time.Since(start)
	return b, nil
}

func (o BandwidthOptions) withDefaults() BandwidthOptions {
	if o.Threads <= 0 {
		o.Threads = runtime.NumCPU()
	}
	if o.BufferBytes <= 0 {
		o.BufferBytes = defaultBufferBytes(o.Threads)
	}
	if o.Budget <= 0 {
		o.Budget = 1500 * time.Millisecond
	}
	return o
}

// defaultBufferBytes shares 256 MiB among the goroutines, at least 8 MiB
// each, but keeps all buffers within a quarter of the available memory.
func defaultBufferBytes(threads int) int {
	size := max(256<<20/threads, 8<<20)
	if vm, err := mem.VirtualMemory(); err == nil && vm.Available > 0 {
		size = min(size, int(vm.Available/8/uint64(threads)))
	}
	return max(size&^4095, 4096)
}

// buffers are the sources and destinations of the goroutines.
type buffers struct {
	src, dst [][]byte
	releases []func()
}

// newBuffers allocates the buffers and fills the sources in parallel, so that
// their pages are real memory and not the shared zero page.
func newBuffers(threads, size int) (*buffers, error) {
	if threads > 1<<16 || size > 1<<34 || threads*size > 1<<36 {
		return nil, fmt.Errorf("%d buffers of %d bytes are too many", 2*threads, size)
	}
	b := &buffers{}
	for range threads {
		src, releaseSrc, err := allocBuffer(size)
		if err != nil {
			b.release()
			return nil, err
		}
		dst, releaseDst, err := allocBuffer(size)
		if err != nil {
			releaseSrc()
			b.release()
			return nil, err
		}
		b.src, b.dst = append(b.src, src), append(b.dst, dst)
		b.releases = append(b.releases, releaseSrc, releaseDst)
	}
	var wg sync.WaitGroup
	for _, s := range b.src {
		wg.Go(func() { fill(s) })
	}
	wg.Wait()
	return b, nil
}

func (b *buffers) release() {
	for _, r := range b.releases {
		r()
	}
	b.src, b.dst, b.releases = nil, nil, nil
}

// fill writes a pattern into b, doubling copies of its first page.
func fill(b []byte) {
	n := min(len(b), 4096)
	for i := range n {
		b[i] = byte(i*7 + 1)
	}
	for ; n < len(b); n *= 2 {
		copy(b[n:], b[:n])
	}
}

// copyAll runs one pass: every goroutine copies its source to its destination.
func (b *buffers) copyAll() {
	var wg sync.WaitGroup
	for i := range b.src {
		wg.Go(func() { copy(b.dst[i], b.src[i]) })
	}
	wg.Wait()
}
