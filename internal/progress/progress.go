// Package progress draws the progress of long work on a terminal's stderr:
// one status line redrawn in place, and a bar for downloads. Off a
// terminal the status line draws nothing and a download prints each new
// status on a line of its own, so logs stay readable.
package progress

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/plan-cli/plan/internal/show"
)

// Line is one status line redrawn in place, at most ten times a second.
// Its methods may be called from several goroutines.
type Line struct {
	w     io.Writer
	tty   bool
	mu    sync.Mutex
	last  time.Time
	drawn bool
}

// NewLine returns a status line on w; it draws only when tty is true.
func NewLine(w io.Writer, tty bool) *Line { return &Line{w: w, tty: tty} }

// Show draws msg; a call within a tenth of a second of the last is
// dropped unless force is set.
func (l *Line) Show(msg string, force bool) {
	if l == nil || !l.tty {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if !force && now.Sub(l.last) < 100*time.Millisecond {
		return
	}
	l.last = now
	fmt.Fprintf(l.w, "\r\033[K%s", show.Clean(msg))
	l.drawn = true
}

// Clear removes the line, so that what follows starts on a clean line.
func (l *Line) Clear() {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.drawn {
		fmt.Fprint(l.w, "\r\033[K")
		l.drawn = false
	}
}

// Bar shows a download's progress.
type Bar struct {
	w    io.Writer
	tty  bool
	name string
	last string
}

// NewBar announces the download of name and returns its bar.
func NewBar(w io.Writer, tty bool, name string) *Bar {
	fmt.Fprintf(w, "pulling %s\n", name)
	return &Bar{w: w, tty: tty, name: name}
}

// Update shows the download's status and, when total is known, how much
// of it is done.
func (b *Bar) Update(status string, done, total int64) {
	if !b.tty {
		if status != b.last {
			fmt.Fprintln(b.w, status)
		}
		b.last = status
		return
	}
	line := status
	if total > 0 {
		const width = 30
		filled := int(float64(width) * float64(done) / float64(total))
		line = fmt.Sprintf("%-24.24s ▕%s%s▏ %3.0f%% %s / %s", status, strings.Repeat("█", filled),
			strings.Repeat(" ", width-filled), 100*float64(done)/float64(total), show.Bytes(done), show.Bytes(total))
	}
	fmt.Fprintf(b.w, "\r\033[K%s", line)
}

// Done ends the bar, saying the download is done when err is nil.
func (b *Bar) Done(err error) {
	if b.tty {
		fmt.Fprint(b.w, "\r\033[K")
	}
	if err == nil {
		fmt.Fprintf(b.w, "pulled %s\n", b.name)
	}
}
