package hwprofile_test

import (
	"fmt"
	"strings"

	"github.com/plan-cli/plan/hwprofile"
)

func ExampleProfile_Summary() {
	p := hwprofile.Profile{
		CPU:    hwprofile.CPU{Model: "AMD EPYC 7B13", PhysicalCores: 2, LogicalCores: 2},
		Memory: hwprofile.Memory{TotalBytes: 25276026880},
	}
	fmt.Println(p.Summary())
	// Output: AMD EPYC 7B13, 2 cores / 2 threads, 23.5 GiB RAM, no GPU
}

func ExampleRead() {
	p, err := hwprofile.Read(strings.NewReader(`{
		"schema_version": 1,
		"cpu": {"model": "Apple M2 Max", "physical_cores": 12, "logical_cores": 12},
		"memory": {"total_bytes": 103079215104},
		"gpus": [{"name": "Apple M2 Max GPU", "vram_total_bytes": 77309411328, "unified_memory": true}]
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Summary())
	// Output: Apple M2 Max, 12 cores / 12 threads, 96.0 GiB RAM, 1× Apple M2 Max GPU 72.0 GiB unified
}
