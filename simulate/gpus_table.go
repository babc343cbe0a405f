package simulate

import "fmt"

// GPUTable is the GPU catalog as a table, for plan simulate --list-gpus,
// with each part's device class (whose fitted constants predict it).
func GPUTable() ([]string, [][]string, error) {
	gpus, err := GPUs()
	if err != nil {
		return nil, nil, err
	}
	rows := make([][]string, 0, len(gpus))
	for _, g := range gpus {
		rows = append(rows, []string{
			g.Name, g.Vendor, fmt.Sprintf("%.0f", float64(g.MemoryBytes)/(1<<30)),
			fmt.Sprintf("%.0f", g.BandwidthGBs), fmt.Sprintf("%.1f", g.ComputeTFLOPS()),
			fmt.Sprintf("%.0f", g.TDPWatts), g.Confidence, DeviceClass(g),
		})
	}
	return []string{"name", "vendor", "memory_gb", "bandwidth_gb_s", "fp16_tflops", "tdp_w", "confidence", "class"}, rows, nil
}
