package usage

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// stdinName names standard input in records and messages.
const stdinName = "stdin"

// input is one file to read: a path, or standard input.
type input struct {
	name  string // as shown in records and messages
	stdin bool
}

func (f input) open(stdin io.Reader) (io.ReadCloser, error) {
	if f.stdin {
		return io.NopCloser(stdin), nil
	}
	return os.Open(f.name)
}

// expandInputs turns the arguments into the files to read, in order.
// Directories are walked recursively in lexical order; names that begin with
// a dot (.DS_Store, .git) are skipped.
func expandInputs(args []string, haveStdin bool) ([]input, error) {
	if len(args) == 0 {
		return nil, errors.New("no inputs: name export files, directories or - for standard input")
	}
	var files []input
	for _, arg := range args {
		if arg == "-" {
			if !haveStdin {
				return nil, errors.New("-: no standard input to read")
			}
			files = append(files, input{name: stdinName, stdin: true})
			continue
		}
		fi, err := os.Stat(arg)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			files = append(files, input{name: arg})
			continue
		}
		found, err := walkDir(arg)
		if err != nil {
			return nil, err
		}
		files = append(files, found...)
	}
	return files, nil
}

// walkDir lists the regular files under dir, in lexical order.
func walkDir(dir string) ([]input, error) {
	var files []input
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		hidden := path != dir && strings.HasPrefix(d.Name(), ".")
		switch {
		case hidden && d.IsDir():
			return filepath.SkipDir
		case hidden || d.IsDir():
			return nil
		}
		if isRegular(path, d) {
			files = append(files, input{name: path})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading directory %s: %w", dir, err)
	}
	return files, nil
}

// isRegular reports whether a directory entry is a regular file, following
// a symbolic link.
func isRegular(path string, d fs.DirEntry) bool {
	if d.Type().IsRegular() {
		return true
	}
	if d.Type()&fs.ModeSymlink == 0 {
		return false
	}
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

// stream is an opened input, decompressed, without its byte-order mark.
type stream struct {
	r     *bufio.Reader
	json  bool // the first non-space byte is '{' or '['
	empty bool // nothing but white space
}

const bufSize = 64 << 10

// openStream unwraps gzip (recognised by its magic bytes), drops a UTF-8
// byte-order mark and looks at the first byte to tell JSON from CSV; CSV
// lines are then bounded by maxLine.
func openStream(r io.Reader) (stream, error) {
	var src io.Reader = bufio.NewReaderSize(r, bufSize)
	if magic, _ := src.(*bufio.Reader).Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(src)
		if err != nil {
			return stream{}, fmt.Errorf("reading gzip: %w", gzipError(err))
		}
		src = gzipReader{zr}
	}
	guard := &lineGuard{r: src}
	s := stream{r: bufio.NewReaderSize(guard, bufSize)}
	if bom, _ := s.r.Peek(3); bytes.Equal(bom, []byte("\ufeff")) {
		_, _ = s.r.Discard(3)
	}
	head, err := s.r.Peek(bufSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return stream{}, err
	}
	text := bytes.TrimLeft(head, " \t\r\n")
	switch {
	case len(text) == 0:
		s.empty = len(head) < bufSize
	case text[0] == '{' || text[0] == '[':
		s.json = true
	default:
		guard.check = true
	}
	return s, nil
}

// gzipReader names gzip's errors: a truncated or corrupt stream must read as
// such, not as a short file.
type gzipReader struct {
	zr *gzip.Reader
}

func (g gzipReader) Read(p []byte) (int, error) {
	n, err := g.zr.Read(p)
	if err != nil && err != io.EOF {
		err = gzipError(err)
	}
	return n, err
}

// gzipError gives gzip's errors a plain meaning.
func gzipError(err error) error {
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("truncated gzip data: %w", err)
	case errors.Is(err, gzip.ErrChecksum), errors.Is(err, gzip.ErrHeader):
		return fmt.Errorf("corrupt gzip data: %w", err)
	}
	return err
}

// maxLine bounds one CSV line. Exports keep big JSON cells on one line, but a
// file with no line breaks at all is not a CSV export and must not be read
// into memory whole. (A variable for the tests.)
var maxLine = 64 << 20

// lineGuard fails a read once a line grows past maxLine bytes.
type lineGuard struct {
	r     io.Reader
	run   int  // bytes since the last newline
	check bool // fail past maxLine; off until the input is known to be CSV
}

func (g *lineGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	if i := bytes.LastIndexByte(p[:n], '\n'); i >= 0 {
		g.run = n - i - 1
	} else {
		g.run += n
	}
	if g.check && g.run > maxLine {
		return n, fmt.Errorf("a line longer than %d bytes: not a CSV export", maxLine)
	}
	return n, err
}
