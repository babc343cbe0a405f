package simulate

import (
	"encoding/json"
	"fmt"
	"sync"

	"github.com/plan-cli/plan/data"
)

var (
	constantsOnce sync.Once
	constants     ThroughputConstants
	constantsErr  error
)

// CatalogConstants returns the embedded throughput constants
// (data/throughput/constants.json).
func CatalogConstants() (ThroughputConstants, error) {
	constantsOnce.Do(func() {
		constantsErr = json.Unmarshal(data.ThroughputConstantsJSON(), &constants)
		if constantsErr == nil && len(constants.Classes) == 0 {
			constantsErr = fmt.Errorf("no device classes")
		}
		if constantsErr != nil {
			constantsErr = fmt.Errorf("reading the embedded throughput constants: %w", constantsErr)
		}
	})
	return constants, constantsErr
}

// Efficiency returns the efficiency of a prediction for a device of the
// class: its fitted constants, those of ClassOther for a class with none,
// and DefaultEfficiency for no class (a CPU, or an accelerator known only
// by its figures).
func (c ThroughputConstants) Efficiency(class string) Efficiency {
	if class == "" {
		return DefaultEfficiency()
	}
	cc, ok := c.Classes[class]
	if !ok {
		class, cc = ClassOther, c.Classes[ClassOther]
	}
	band := func(b, fallback Band) Band {
		if b.Low > 0 && b.High > 0 {
			return b
		}
		return fallback
	}
	return Efficiency{
		FixedSeconds: c.FixedSeconds[classVendor(class)],
		Bandwidth:    cc.Bandwidth,
		Compute:      cc.Compute,
		DecodeBand:   band(cc.DecodeBand, DefaultDecodeBand),
		PrefillBand:  band(cc.PrefillBand, DefaultPrefillBand),
		Quants:       &c,
	}
}

// EfficiencyFor is the efficiency of a prediction from the catalog for
// the hardware: the embedded constants of its class.
func EfficiencyFor(hw Hardware) Efficiency {
	c, err := CatalogConstants()
	if err != nil {
		return DefaultEfficiency()
	}
	return c.Efficiency(hw.Class)
}
