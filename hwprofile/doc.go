// Package hwprofile describes the machine plan runs on, as far as it matters for
// running LLMs: the CPU and the instruction-set features inference kernels use,
// RAM, GPUs and their memory, and (on request) a measured memory bandwidth.
//
// Detect gathers a Profile from ghw, gopsutil and the vendor tools (nvidia-smi,
// rocm-smi, sysctl) and sysfs. Every entry records where it came from, and
// whatever could not be found is explained in Profile.Notes rather than
// failing the whole detection. External programs run through a Runner so that
// tests replay recorded outputs, and the filesystem root is configurable so
// that tests read a fake sysfs tree.
//
// Detection never touches the network: ghw's PCI database is read from the
// local pci.ids file only (see Options).
//
// A Profile is plain data. It is written as JSON (plan profile -o FILE) and read
// back with Load or Read, so a profile taken on one machine can be used to plan
// on another.
package hwprofile
