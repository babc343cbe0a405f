package planner

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// rtx4090 is the sanity case of public write-ups: 10M tokens a month on a
// GPT-4-class model at $30 per 1M tokens ($300/month), served by an RTX 4090
// workstation (450 W TDP, 60 W idle) at 100 tokens/s, $0.15/kWh.
func rtx4090(hardware float64) CostInputs {
	return CostInputs{
		CloudDisplacedMonthlyUSD: 300,
		HardwareUSD:              hardware,
		ActiveWatts:              450,
		IdleWatts:                60,
		BusyHoursPerMonth:        BusyHoursPerMonth(10e6, 100),
		ElectricityUSDPerKWh:     0.15,
	}
}

// rtx4090Power is the sanity case's electricity per month, by hand: 27.78
// busy hours at 450 W and 702.78 idle hours at 60 W, at $0.15/kWh.
func rtx4090Power() float64 {
	busy := 10e6 / 100 / 3600
	return (450*busy + 60*(30.44*24-busy)) / 1000 * 0.15
}

func compute(t *testing.T, in CostInputs) BreakEven {
	t.Helper()
	b, err := ComputeBreakEven(in)
	if err != nil {
		t.Fatalf("ComputeBreakEven(%+v): %v", in, err)
	}
	return b
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func monthsText(p *float64) string {
	return Sensitivity{BreakEvenMonths: p}.BreakEvenText()
}

func TestBusyHoursPerMonth(t *testing.T) {
	cases := []struct {
		tokens, tps, want float64
	}{
		{3.6e6, 1000, 1},
		{10e6, 100, 10e6 / 100 / 3600},
		{0, 0, 0},
		{0, 50, 0},
		{1, 0, math.Inf(1)},
		{1, -5, math.Inf(1)},
	}
	for _, c := range cases {
		if got := BusyHoursPerMonth(c.tokens, c.tps); got != c.want {
			t.Errorf("BusyHoursPerMonth(%v, %v) = %v; want %v", c.tokens, c.tps, got, c.want)
		}
	}
}

func TestBreakEvenSanityCase(t *testing.T) {
	power := rtx4090Power()
	for _, hardware := range []float64{2500, 2750, 3000} {
		b := compute(t, rtx4090(hardware))
		want := hardware / (300 - power)
		if b.BreakEvenMonths == nil || !near(*b.BreakEvenMonths, want) {
			t.Fatalf("$%v: break-even %s; want %.4f months", hardware, monthsText(b.BreakEvenMonths), want)
		}
		// Public write-ups: roughly 8 to 10 months.
		if *b.BreakEvenMonths < 8 || *b.BreakEvenMonths > 10.5 {
			t.Errorf("$%v: break-even %.2f months; want roughly 8-10", hardware, *b.BreakEvenMonths)
		}
		if !near(b.ElectricityUSDPerMonth, power) {
			t.Errorf("$%v: electricity %v/month; want %v", hardware, b.ElectricityUSDPerMonth, power)
		}
		if !near(b.TCO36CloudUSD, 36*300) || !near(b.TCO36LocalUSD, hardware+36*power) {
			t.Errorf("$%v: TCO cloud %v local %v; want %v and %v", hardware, b.TCO36CloudUSD, b.TCO36LocalUSD, 36*300.0, hardware+36*power)
		}
		if !near(b.LocalMonthlyUSD, hardware/36+power) {
			t.Errorf("$%v: local monthly %v; want %v", hardware, b.LocalMonthlyUSD, hardware/36+power)
		}
	}
	got := compute(t, rtx4090(2750)).Describe()
	want := "pays for itself in 9.4 months: $2,750 of hardware against savings of $292/month in the first month ($300 of cloud spend for $8.20 of running costs)"
	if got != want {
		t.Errorf("Describe() = %q; want %q", got, want)
	}
}

func TestBreakEvenVariants(t *testing.T) {
	base := *compute(t, rtx4090(2750)).BreakEvenMonths
	power := rtx4090Power()
	with := func(f func(*CostInputs)) CostInputs {
		in := rtx4090(2750)
		f(&in)
		return in
	}
	cases := []struct {
		name     string
		in       CostInputs
		check    func(months *float64) bool
		want     string
		describe string
	}{
		{"owned hardware", rtx4090(0), func(m *float64) bool { return m != nil && *m == 0 }, "0",
			"pays for itself from the first month: with no hardware to pay for, it saves $292/month ($300 of cloud spend for $8.20 of running costs)"},
		{"running costs above savings", with(func(in *CostInputs) { in.CloudDisplacedMonthlyUSD = 5 }), isNever, "never",
			"never within 36 months: running costs of $8.20/month exceed the $5.00/month it saves"},
		{"owned, running costs above savings", with(func(in *CostInputs) { in.HardwareUSD, in.CloudDisplacedMonthlyUSD = 0, 5 }), isNever, "never",
			"never within 36 months: running costs of $8.20/month exceed the $5.00/month it saves"},
		{"cloud prices -50% a year", with(func(in *CostInputs) { in.CloudPriceChangePerYear = -0.5 }),
			func(m *float64) bool { return m == nil || *m > base }, "later or never", ""},
		{"cloud prices -90% a year", with(func(in *CostInputs) { in.CloudPriceChangePerYear = -0.9 }), isNever, "never", ""},
		{"usage +100% a year", with(func(in *CostInputs) { in.UsageGrowthPerYear = 1 }),
			func(m *float64) bool { return m != nil && *m < base }, "sooner", ""},
		{"resale $750", with(func(in *CostInputs) { in.ResaleUSD = 750 }),
			func(m *float64) bool { return m != nil && near(*m, 2000/(300-power)) }, "2000/savings",
			"pays for itself in 6.9 months: $2,000 of hardware (net of $750 resale) against savings of $292/month in the first month ($300 of cloud spend for $8.20 of running costs)"},
		{"horizon shorter than break-even", with(func(in *CostInputs) { in.HorizonMonths = 6 }), isNever, "never",
			"never within 6 months: it saves $292/month in the first month, but by month 6 the local machine still costs $999 more than the cloud"},
		{"zero usage", with(func(in *CostInputs) { in.CloudDisplacedMonthlyUSD, in.BusyHoursPerMonth = 0, 0 }), isNever, "never", ""},
		{"owned, zero usage, no power", CostInputs{}, isNever, "never",
			"never within 36 months: running costs of $0.00/month match the $0.00/month it saves"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := compute(t, c.in)
			if !c.check(b.BreakEvenMonths) {
				t.Errorf("break-even %s; want %s (base %.2f months)", monthsText(b.BreakEvenMonths), c.want, base)
			}
			if c.describe != "" && b.Describe() != c.describe {
				t.Errorf("Describe() = %q; want %q", b.Describe(), c.describe)
			}
		})
	}
}

func isNever(m *float64) bool { return m == nil }

func TestBreakEvenResaleAndHorizon(t *testing.T) {
	power := rtx4090Power()
	in := rtx4090(2750)
	in.ResaleUSD = 750
	b := compute(t, in)
	if b.StartLocalUSD != 2000 || b.AmortizedUSDPerMonth != 2000.0/36 || !near(b.TCO36LocalUSD, 2000+36*power) {
		t.Errorf("resale: start %v amortized %v TCO %v; want 2000, %v, %v", b.StartLocalUSD, b.AmortizedUSDPerMonth, b.TCO36LocalUSD, 2000.0/36, 2000+36*power)
	}

	in = rtx4090(2750)
	in.HorizonMonths = 6
	b = compute(t, in)
	if len(b.Months) != 6 || b.Months[5].Month != 6 {
		t.Fatalf("horizon 6: %d months, last %+v", len(b.Months), b.Months[len(b.Months)-1])
	}
	// The TCO spans 36 months whatever the horizon.
	if !near(b.TCO36CloudUSD, 36*300) || !near(b.TCO36LocalUSD, 2750+36*power) {
		t.Errorf("horizon 6: TCO cloud %v local %v; want 36 months", b.TCO36CloudUSD, b.TCO36LocalUSD)
	}

	in = rtx4090(2750)
	in.HorizonMonths = 60
	b = compute(t, in)
	if len(b.Months) != 60 || b.Inputs.LifeMonths != 36 {
		t.Fatalf("horizon 60: %d months, life %d", len(b.Months), b.Inputs.LifeMonths)
	}
	// The 36-month life ends: a replacement is bought in month 37.
	jump := b.Months[36].CumulativeLocal - b.Months[35].CumulativeLocal
	if !near(jump, 2750+power) || len(b.Notes) != 1 || !strings.Contains(b.Notes[0], "month 37") {
		t.Errorf("horizon 60: month 37 costs %v, want %v; notes %q", jump, 2750+power, b.Notes)
	}
}

// TestBreakEvenExact checks cases whose arithmetic is exact in binary.
func TestBreakEvenExact(t *testing.T) {
	cases := []struct {
		name        string
		in          CostInputs
		months      *float64
		local, tco  float64 // local cost per month, local TCO over 36 months
		electricity float64
	}{
		// d(k) = 250 - 100k: crosses half-way through month 3.
		{"half-way", CostInputs{CloudDisplacedMonthlyUSD: 100, HardwareUSD: 250}, ptr(2.5), 250.0 / 36, 250, 0},
		// d(k) = 200 - 80k with $20/month maintenance.
		{"maintenance", CostInputs{CloudDisplacedMonthlyUSD: 100, HardwareUSD: 200, MaintenanceUSDPerMonth: 20}, ptr(2.5), 200.0/36 + 20, 200 + 36*20, 0},
		// d(3) = 0 exactly after d(2) > 0.
		{"tie at a month end", CostInputs{CloudDisplacedMonthlyUSD: 100, HardwareUSD: 300}, ptr(3), 300.0 / 36, 300, 0},
		// 1000 W x 100 busy hours, no idle draw, $0.50/kWh = $50/month.
		{"electricity", CostInputs{CloudDisplacedMonthlyUSD: 150, HardwareUSD: 300, LifeMonths: 12, ActiveWatts: 1000, BusyHoursPerMonth: 100, ElectricityUSDPerKWh: 0.5, HorizonMonths: 12},
			ptr(3), 25 + 50, 3*300 + 36*50, 50},
		{"never saves", CostInputs{CloudDisplacedMonthlyUSD: 50, HardwareUSD: 100, MaintenanceUSDPerMonth: 50}, nil, 100.0/36 + 50, 100 + 36*50, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := compute(t, c.in)
			if monthsText(b.BreakEvenMonths) != monthsText(c.months) || (c.months != nil && *b.BreakEvenMonths != *c.months) {
				t.Errorf("break-even %s; want %s", monthsText(b.BreakEvenMonths), monthsText(c.months))
			}
			if b.LocalMonthlyUSD != c.local || b.TCO36LocalUSD != c.tco || b.ElectricityUSDPerMonth != c.electricity {
				t.Errorf("local %v/month, TCO %v, electricity %v; want %v, %v, %v", b.LocalMonthlyUSD, b.TCO36LocalUSD, b.ElectricityUSDPerMonth, c.local, c.tco, c.electricity)
			}
		})
	}
}

func ptr(f float64) *float64 { return &f }

func TestBreakEvenGrowthAndPrices(t *testing.T) {
	in := CostInputs{CloudDisplacedMonthlyUSD: 100, HardwareUSD: 1000, ActiveWatts: 400, IdleWatts: 40,
		BusyHoursPerMonth: 50, ElectricityUSDPerKWh: 0.2, UsageGrowthPerYear: 0.5, CloudPriceChangePerYear: -0.2}
	b := compute(t, in)
	for _, k := range []int{1, 2, 13, 25, 36} {
		usage := math.Pow(1.5, float64(k-1)/12)
		cloud := 100 * usage * math.Pow(0.8, float64(k-1)/12)
		busy := 50 * usage
		power := (400*busy + 40*(HoursPerMonth-busy)) / 1000 * 0.2
		m, prev := b.Months[k-1], MonthCost{CumulativeLocal: 1000}
		if k > 1 {
			prev = b.Months[k-2]
		}
		if !near(m.CumulativeCloud-prev.CumulativeCloud, cloud) || !near(m.CumulativeLocal-prev.CumulativeLocal, power) {
			t.Errorf("month %d: cloud %v local %v; want %v and %v", k, m.CumulativeCloud-prev.CumulativeCloud,
				m.CumulativeLocal-prev.CumulativeLocal, cloud, power)
		}
	}
	// A year of growth and price change: month 13 is 1.5 x 0.8 month 1.
	c1, c13 := b.Months[0].CumulativeCloud, b.Months[12].CumulativeCloud-b.Months[11].CumulativeCloud
	if !near(c13, 1.2*c1) {
		t.Errorf("month 13 cloud %v; want 1.2 x %v", c13, c1)
	}
}

func TestBreakEvenSaturation(t *testing.T) {
	// 600 busy hours doubling each year pass the 730.56 hours of a month
	// once 2^(m/12) > 1.2176, that is from m = 4 (month 5).
	in := CostInputs{CloudDisplacedMonthlyUSD: 1000, CloudRemainingMonthlyUSD: 10, HardwareUSD: 5000, ActiveWatts: 500,
		IdleWatts: 50, BusyHoursPerMonth: 600, ElectricityUSDPerKWh: 0.1, UsageGrowthPerYear: 1}
	b := compute(t, in)
	if len(b.Notes) != 1 || !strings.Contains(b.Notes[0], "saturated from month 5") {
		t.Fatalf("notes %q; want saturation from month 5", b.Notes)
	}
	full := 500 * HoursPerMonth / 1000 * 0.1
	capped := 1000 * HoursPerMonth / 600
	var overflow float64
	for k := 5; k <= 36; k++ {
		m, prev := b.Months[k-1], b.Months[k-2]
		if !near(m.CumulativeCloud-prev.CumulativeCloud, capped) || !near(m.CumulativeLocal-prev.CumulativeLocal, full) {
			t.Fatalf("month %d: cloud %v local %v; want the capped %v and full power %v", k,
				m.CumulativeCloud-prev.CumulativeCloud, m.CumulativeLocal-prev.CumulativeLocal, capped, full)
		}
		overflow += 1000*math.Pow(2, float64(k-1)/12) - capped
	}
	var remaining float64
	for k := 1; k <= 36; k++ {
		remaining += 10 * math.Pow(2, float64(k-1)/12)
	}
	if !near(b.TCO36CloudRemainingUSD, remaining+overflow) {
		t.Errorf("remaining cloud %v; want %v remaining + %v overflow", b.TCO36CloudRemainingUSD, remaining, overflow)
	}

	in.UsageGrowthPerYear, in.BusyHoursPerMonth = 0, 1000
	b = compute(t, in)
	if len(b.Notes) != 1 || !strings.Contains(b.Notes[0], "saturated from month 1") || !near(b.Months[0].CumulativeCloud, 730.56) {
		t.Errorf("1000 busy hours: notes %q, month 1 cloud %v; want saturation from month 1 and $730.56", b.Notes, b.Months[0].CumulativeCloud)
	}
}

// TestBreakEvenProperties checks random inputs: both curves never
// decrease, the break-even month is where the interpolated curves meet, and
// local is above cloud at every month end before it.
func TestBreakEvenProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 500 {
		in := randomInputs(r)
		b := compute(t, in)
		if len(b.Months) != b.Inputs.HorizonMonths {
			t.Fatalf("case %d: %d months; want %d", i, len(b.Months), b.Inputs.HorizonMonths)
		}
		checkMonotone(t, i, b)
		checkCrossing(t, i, b)
		if len(b.Sensitivity) != 11 {
			t.Fatalf("case %d: %d sensitivity rows; want 11", i, len(b.Sensitivity))
		}
	}
}

func randomInputs(r *rand.Rand) CostInputs {
	active := 50 + 950*r.Float64()
	in := CostInputs{
		CloudDisplacedMonthlyUSD: 1000 * r.Float64(),
		HardwareUSD:              float64(r.IntN(3)) * 3000 * r.Float64(),
		LifeMonths:               r.IntN(48),
		MaintenanceUSDPerMonth:   20 * r.Float64(),
		ActiveWatts:              active,
		IdleWatts:                active * r.Float64() / 4,
		BusyHoursPerMonth:        900 * r.Float64(),
		ElectricityUSDPerKWh:     0.5 * r.Float64(),
		CloudPriceChangePerYear:  r.Float64() - 0.8,
		UsageGrowthPerYear:       2*r.Float64() - 0.5,
		HorizonMonths:            r.IntN(60),
	}
	in.ResaleUSD = in.HardwareUSD * r.Float64() / 2
	return in
}

func checkMonotone(t *testing.T, i int, b BreakEven) {
	t.Helper()
	prev := MonthCost{CumulativeLocal: b.StartLocalUSD}
	for _, m := range b.Months {
		if m.CumulativeCloud < prev.CumulativeCloud || m.CumulativeLocal < prev.CumulativeLocal {
			t.Fatalf("case %d: month %d %+v decreases from %+v", i, m.Month, m, prev)
		}
		prev = m
	}
}

func checkCrossing(t *testing.T, i int, b BreakEven) {
	t.Helper()
	d := []float64{b.StartLocalUSD}
	for _, m := range b.Months {
		d = append(d, m.CumulativeLocal-m.CumulativeCloud)
	}
	if b.BreakEvenMonths == nil {
		for k := 1; k < len(d); k++ {
			if d[k] < 0 {
				t.Fatalf("case %d: never breaks even, but local is below cloud at month %d (%v)", i, k, d[k])
			}
		}
		return
	}
	at := *b.BreakEvenMonths
	k := int(math.Ceil(at))
	for j := 1; j < k; j++ {
		if d[j] < 0 {
			t.Fatalf("case %d: breaks even at %v, but local is below cloud at month %d", i, at, j)
		}
	}
	if k == 0 {
		if d[0] != 0 || d[1] >= 0 {
			t.Fatalf("case %d: breaks even at 0 with d(0) = %v, d(1) = %v", i, d[0], d[1])
		}
		return
	}
	frac := at - float64(k-1)
	if gap := d[k-1] + frac*(d[k]-d[k-1]); math.Abs(gap) > 1e-6*math.Max(1, math.Abs(d[k-1])) {
		t.Fatalf("case %d: at %v months the interpolated curves are %v apart", i, at, gap)
	}
}

func TestBreakEvenSensitivity(t *testing.T) {
	in := rtx4090(2750)
	in.CloudPriceChangePerYear = -0.3
	b := compute(t, in)
	want := []struct{ input, value string }{
		{"cloud price change per year", "-50%"}, {"cloud price change per year", "-30%"},
		{"cloud price change per year", "0%"}, {"cloud price change per year", "+10%"},
		{"usage growth per year", "0%"}, {"usage growth per year", "+50%"}, {"usage growth per year", "+100%"},
		{"utilization (displaced traffic)", "x0.5"}, {"utilization (displaced traffic)", "x1.5"},
		{"electricity price", "x0.5"}, {"electricity price", "x2"},
	}
	if len(b.Sensitivity) != len(want) {
		t.Fatalf("%d rows; want %d", len(b.Sensitivity), len(want))
	}
	changes := []func(*CostInputs){
		func(c *CostInputs) { c.CloudPriceChangePerYear = -0.5 }, func(c *CostInputs) { c.CloudPriceChangePerYear = -0.3 },
		func(c *CostInputs) { c.CloudPriceChangePerYear = 0 }, func(c *CostInputs) { c.CloudPriceChangePerYear = 0.1 },
		func(c *CostInputs) { c.UsageGrowthPerYear = 0 }, func(c *CostInputs) { c.UsageGrowthPerYear = 0.5 },
		func(c *CostInputs) { c.UsageGrowthPerYear = 1 },
		func(c *CostInputs) { c.CloudDisplacedMonthlyUSD, c.BusyHoursPerMonth = 150, c.BusyHoursPerMonth*0.5 },
		func(c *CostInputs) { c.CloudDisplacedMonthlyUSD, c.BusyHoursPerMonth = 450, c.BusyHoursPerMonth*1.5 },
		func(c *CostInputs) { c.ElectricityUSDPerKWh = 0.075 }, func(c *CostInputs) { c.ElectricityUSDPerKWh = 0.3 },
	}
	for i, row := range b.Sensitivity {
		if row.Input != want[i].input || row.Value != want[i].value {
			t.Errorf("row %d: %s %s; want %s %s", i, row.Input, row.Value, want[i].input, want[i].value)
		}
		changed := in
		changes[i](&changed)
		direct := compute(t, changed)
		if monthsText(row.BreakEvenMonths) != monthsText(direct.BreakEvenMonths) || !near(row.TCO36LocalUSD, direct.TCO36LocalUSD) {
			t.Errorf("%s %s: %s, TCO %v; want %s, %v", row.Input, row.Value, row.BreakEvenText(), row.TCO36LocalUSD,
				monthsText(direct.BreakEvenMonths), direct.TCO36LocalUSD)
		}
	}
	// The base case, -30% a year, sits between -50% and 0%.
	at := func(i int) float64 { return *b.Sensitivity[i].BreakEvenMonths }
	if !(at(0) > *b.BreakEvenMonths && *b.BreakEvenMonths > at(2) && at(2) > at(3)) {
		t.Errorf("break-even by price change %v, base %v: want later as prices fall faster", b.Sensitivity[:4], *b.BreakEvenMonths)
	}
	if !(at(8) < at(7) && at(10) > at(9)) {
		t.Errorf("more traffic should pay back sooner and dearer power later: %v", b.Sensitivity[7:])
	}
}

func TestComputeBreakEvenErrors(t *testing.T) {
	cases := []struct {
		name string
		in   CostInputs
		want string
	}{
		{"negative spend", CostInputs{CloudDisplacedMonthlyUSD: -1}, "cloud_displaced_monthly_usd -1"},
		{"NaN remaining", CostInputs{CloudRemainingMonthlyUSD: math.NaN()}, "cloud_remaining_monthly_usd NaN"},
		{"negative hardware", CostInputs{HardwareUSD: -5}, "hardware_usd -5"},
		{"resale above price", CostInputs{HardwareUSD: 100, ResaleUSD: 200}, "resale_usd 200: must not exceed hardware_usd 100"},
		{"resale of owned hardware", CostInputs{ResaleUSD: 200}, "resale_usd 200"},
		{"negative maintenance", CostInputs{MaintenanceUSDPerMonth: -1}, "maintenance_usd_per_month -1"},
		{"idle above active", CostInputs{ActiveWatts: 100, IdleWatts: 200}, "idle_watts 200: must not exceed active_watts 100"},
		{"infinite busy hours", CostInputs{BusyHoursPerMonth: BusyHoursPerMonth(1e6, 0)}, "busy_hours_per_month +Inf"},
		{"negative tariff", CostInputs{ElectricityUSDPerKWh: -0.1}, "electricity_usd_per_kwh -0.1"},
		{"negative life", CostInputs{LifeMonths: -1}, "life_months -1"},
		{"negative horizon", CostInputs{HorizonMonths: -1}, "horizon_months -1"},
		{"huge horizon", CostInputs{HorizonMonths: 5000}, "horizon_months 5000"},
		{"price change below -100%", CostInputs{CloudPriceChangePerYear: -1.5}, "cloud_price_change_per_year -1.5"},
		{"NaN growth", CostInputs{UsageGrowthPerYear: math.NaN()}, "usage_growth_per_year NaN"},
		{"infinite growth", CostInputs{UsageGrowthPerYear: math.Inf(1)}, "usage_growth_per_year +Inf"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ComputeBreakEven(c.in)
			if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("ComputeBreakEven(%+v) = %v; want one line naming %q", c.in, err, c.want)
			}
		})
	}
}

func TestDollars(t *testing.T) {
	cases := map[float64]string{0: "$0.00", 8.2: "$8.20", 99.99: "$99.99", 100: "$100", 2750: "$2,750",
		1234567.6: "$1,234,568", -1000.4: "-$1,000", -5: "-$5.00"}
	for x, want := range cases {
		if got := dollars(x); got != want {
			t.Errorf("dollars(%v) = %q; want %q", x, got, want)
		}
	}
}
