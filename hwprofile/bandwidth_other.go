//go:build !linux

package hwprofile

// allocBuffer allocates size bytes on the Go heap; release leaves them to the
// garbage collector.
func allocBuffer(size int) (buf []byte, release func(), err error) {
	return make([]byte, size), func() {}, nil
}
