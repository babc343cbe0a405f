package planner

import (
	"fmt"
	"math"
)

// HoursPerMonth is the hours in a month of DaysPerMonth days (730.56).
const HoursPerMonth = DaysPerMonth * 24

// Defaults of CostInputs, and the fixed span of the TCO figures.
const (
	DefaultHorizonMonths = 36
	DefaultLifeMonths    = 36
	TCOMonths            = 36
	maxHorizonMonths     = 1200
)

// BusyHoursPerMonth is the hours a machine needs each month to process
// tokensPerMonth tokens at tokensPerSecond: tokensPerMonth / tokensPerSecond
// / 3600. For a closer figure, add the prefill hours (input tokens at the
// prefill speed) and the decode hours (output tokens at the decode speed).
// It is 0 for no tokens, and +Inf (or NaN for NaN arguments) when tokens need
// a speed that is not positive; ComputeBreakEven rejects both.
func BusyHoursPerMonth(tokensPerMonth, tokensPerSecond float64) float64 {
	if tokensPerMonth == 0 {
		return 0
	}
	if tokensPerSecond <= 0 {
		return math.Inf(1)
	}
	return tokensPerMonth / tokensPerSecond / 3600
}

// ComputeBreakEven compares buying and running the local hardware with
// paying the cloud for the displaced traffic, over in.HorizonMonths (default
// 36) for the curves and the break-even month, and over TCOMonths for the TCO
// figures. LifeMonths defaults to 36. An input out of range is a one-line
// error naming it.
//
// It compares two scenarios for the cloud traffic the local hardware can take
// over (the displaced traffic), month by month:
//
//   - all cloud: month k pays the displaced cloud spend of that month;
//   - local: month 0 pays the hardware net of its resale value (nothing for
//     hardware already owned), and month k pays the machine's running costs,
//     electricity and maintenance.
//
// The spend that stays in the cloud (CostInputs.CloudRemainingMonthlyUSD, and
// any overflow past the local machine's capacity) is paid the same way in
// both scenarios, so it is left out of both curves, of the break-even month
// and of both TCO figures; BreakEven.TCO36CloudRemainingUSD gives it so a
// report can show the whole bill.
//
// Month k (1-based) is m = k-1 months after today, so the first month costs
// exactly today's figures. With usage growth g and cloud price change p per
// year, both compounding monthly:
//
//	usage(k)     = (1+g)^(m/12)
//	price(k)     = (1+p)^(m/12)
//	demand(k)    = BusyHoursPerMonth x usage(k)              hours the displaced tokens need
//	share(k)     = min(1, HoursPerMonth / demand(k))         part the machine can serve
//	busy(k)      = demand(k) x share(k)                      at most HoursPerMonth
//	cloud(k)     = CloudDisplacedMonthlyUSD x usage(k) x price(k) x share(k)
//	kWh(k)       = (ActiveWatts x busy(k) + IdleWatts x (HoursPerMonth - busy(k))) / 1000
//	running(k)   = kWh(k) x ElectricityUSDPerKWh + MaintenanceUSDPerMonth
//
// Electricity grows with usage (busy hours) but not with cloud prices. When
// demand(k) exceeds the hours in a month the machine is saturated: it runs
// flat out and serves only share(k) of the displaced traffic; the rest goes
// to the cloud in both scenarios, and BreakEven.Notes says from which month.
//
// The cumulative curves are
//
//	cloudCum(0) = 0,                   cloudCum(k) = cloudCum(k-1) + cloud(k)
//	localCum(0) = Hardware - Resale,   localCum(k) = localCum(k-1) + running(k) [+ Hardware - Resale]
//
// where the bracketed term is a replacement machine, bought at the start of
// month k when k-1 is a positive multiple of LifeMonths (the analysis runs
// past the machine's life). Resale is counted at the purchase rather than
// when the machine is sold: the machine is worth at least its end-of-life
// resale value at every month of its life, so localCum(k) is what owning it
// has cost by month k net of the least it would still fetch. That keeps both
// curves non-decreasing, never values the machine above its market value
// (the break-even month is no earlier than selling the machine then would
// give), and at the end of the life equals the cash spent minus the resale
// received. With no resale (the default) localCum is the cash spent.
//
// The break-even month is where the cumulative local cost first falls to the
// cumulative cloud cost, interpolated linearly within the month (see
// crossing); 0 when there is no hardware to pay for and the first month
// saves money; nil when it does not happen within the horizon. Sensitivity
// holds the break-even month and local TCO when one input changes (see
// sensitivityCases).
func ComputeBreakEven(in CostInputs) (BreakEven, error) {
	in, err := normalizeCosts(in)
	if err != nil {
		return BreakEven{}, err
	}
	b := breakEven(in)
	b.Sensitivity = sensitivity(in)
	return b, nil
}

// normalizeCosts checks the inputs and fills in the defaults.
func normalizeCosts(in CostInputs) (CostInputs, error) {
	if in.HorizonMonths == 0 {
		in.HorizonMonths = DefaultHorizonMonths
	}
	if in.LifeMonths == 0 {
		in.LifeMonths = DefaultLifeMonths
	}
	if err := checkCosts(in); err != nil {
		return in, fmt.Errorf("invalid break-even input %w", err)
	}
	return in, nil
}

// checkCosts returns the first input that is out of range, as "name value:
// hint".
func checkCosts(in CostInputs) error {
	amounts := []struct {
		name string
		v    float64
		hint string
	}{
		{"cloud_displaced_monthly_usd", in.CloudDisplacedMonthlyUSD, "a cloud spend in USD per month, 0 or more"},
		{"cloud_remaining_monthly_usd", in.CloudRemainingMonthlyUSD, "a cloud spend in USD per month, 0 or more"},
		{"hardware_usd", in.HardwareUSD, "a price in USD, 0 for hardware already owned"},
		{"resale_usd", in.ResaleUSD, "a price in USD, 0 or more"},
		{"maintenance_usd_per_month", in.MaintenanceUSDPerMonth, "USD per month, 0 or more"},
		{"active_watts", in.ActiveWatts, "a power draw in watts, 0 or more"},
		{"idle_watts", in.IdleWatts, "a power draw in watts, 0 or more"},
		{"busy_hours_per_month", in.BusyHoursPerMonth, "hours per month, 0 or more (is the measured speed positive?)"},
		{"electricity_usd_per_kwh", in.ElectricityUSDPerKWh, "a tariff in USD per kWh, 0 or more"},
	}
	for _, a := range amounts {
		if a.v < 0 || math.IsNaN(a.v) || math.IsInf(a.v, 0) {
			return fmt.Errorf("%s %v: must be %s", a.name, a.v, a.hint)
		}
	}
	return checkRanges(in)
}

// checkRanges checks the inputs that are bounded by others or by a range.
func checkRanges(in CostInputs) error {
	switch {
	case in.ResaleUSD > in.HardwareUSD:
		return fmt.Errorf("resale_usd %v: must not exceed hardware_usd %v", in.ResaleUSD, in.HardwareUSD)
	case in.IdleWatts > in.ActiveWatts:
		return fmt.Errorf("idle_watts %v: must not exceed active_watts %v", in.IdleWatts, in.ActiveWatts)
	case in.LifeMonths < 0:
		return fmt.Errorf("life_months %d: must be a number of months, 0 for the default %d", in.LifeMonths, DefaultLifeMonths)
	case in.HorizonMonths < 0 || in.HorizonMonths > maxHorizonMonths:
		return fmt.Errorf("horizon_months %d: must be 1 to %d months, 0 for the default %d", in.HorizonMonths, maxHorizonMonths, DefaultHorizonMonths)
	case !(in.CloudPriceChangePerYear >= -1) || math.IsInf(in.CloudPriceChangePerYear, 1):
		return fmt.Errorf("cloud_price_change_per_year %v: must be a fraction per year of -1 or more (-0.3 = -30%%)", in.CloudPriceChangePerYear)
	case !(in.UsageGrowthPerYear >= -1) || math.IsInf(in.UsageGrowthPerYear, 1):
		return fmt.Errorf("usage_growth_per_year %v: must be a fraction per year of -1 or more (0.5 = +50%%)", in.UsageGrowthPerYear)
	}
	return nil
}

// monthFigures are one month of the analysis.
type monthFigures struct {
	cloud     float64 // displaced cloud spend the local machine takes over
	running   float64 // local electricity and maintenance
	power     float64 // local electricity alone
	remaining float64 // cloud spend of both scenarios: the remaining spend plus the overflow
	demand    float64 // busy hours the displaced traffic needs
	share     float64 // part of the displaced traffic the machine serves
}

// costMonth computes month k (1-based) with the formulas of the file comment.
func costMonth(in CostInputs, k int) monthFigures {
	years := float64(k-1) / 12
	usage := math.Pow(1+in.UsageGrowthPerYear, years)
	price := math.Pow(1+in.CloudPriceChangePerYear, years)
	f := monthFigures{demand: in.BusyHoursPerMonth * usage, share: 1}
	if f.demand > HoursPerMonth {
		f.share = HoursPerMonth / f.demand
	}
	busy := f.demand * f.share
	kWh := (in.ActiveWatts*busy + in.IdleWatts*(HoursPerMonth-busy)) / 1000
	f.power = kWh * in.ElectricityUSDPerKWh
	f.running = f.power + in.MaintenanceUSDPerMonth
	spend := in.CloudDisplacedMonthlyUSD * usage * price
	f.cloud = spend * f.share
	f.remaining = in.CloudRemainingMonthlyUSD*usage*price + spend - f.cloud
	return f
}

// curves holds the cumulative costs at the end of months 0..n.
type curves struct {
	cloud, local []float64
	remaining    float64 // remaining cloud spend over the TCO months
	saturated    int     // first saturated month, 0 when none
	replaced     int     // first month a replacement machine is bought, 0 when none
	first        monthFigures
}

// runCurves builds the cumulative curves over n months.
func runCurves(in CostInputs, n int) curves {
	net := in.HardwareUSD - in.ResaleUSD
	c := curves{cloud: make([]float64, n+1), local: make([]float64, n+1)}
	c.local[0] = net
	for k := 1; k <= n; k++ {
		f := costMonth(in, k)
		if k == 1 {
			c.first = f
		}
		c.cloud[k] = c.cloud[k-1] + f.cloud
		c.local[k] = c.local[k-1] + f.running
		if k > 1 && (k-1)%in.LifeMonths == 0 && net > 0 {
			c.local[k] += net
			c.replaced = firstNonZero(c.replaced, k)
		}
		if f.share < 1 {
			c.saturated = firstNonZero(c.saturated, k)
		}
		if k <= TCOMonths {
			c.remaining += f.remaining
		}
	}
	return c
}

func firstNonZero(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}

// breakEven computes everything but the sensitivity rows, for valid inputs.
func breakEven(in CostInputs) BreakEven {
	n := max(in.HorizonMonths, TCOMonths)
	c := runCurves(in, n)
	b := BreakEven{
		Inputs:                 in,
		StartLocalUSD:          c.local[0],
		Months:                 make([]MonthCost, in.HorizonMonths),
		ElectricityUSDPerMonth: c.first.power,
		AmortizedUSDPerMonth:   (in.HardwareUSD - in.ResaleUSD) / float64(in.LifeMonths),
		TCO36CloudUSD:          c.cloud[TCOMonths],
		TCO36LocalUSD:          c.local[TCOMonths],
		TCO36CloudRemainingUSD: c.remaining,
	}
	b.LocalMonthlyUSD = b.AmortizedUSDPerMonth + c.first.running
	for k := 1; k <= in.HorizonMonths; k++ {
		b.Months[k-1] = MonthCost{Month: k, CumulativeCloud: c.cloud[k], CumulativeLocal: c.local[k]}
	}
	b.BreakEvenMonths = crossing(c.local[:in.HorizonMonths+1], c.cloud[:in.HorizonMonths+1])
	b.Notes = curveNotes(in, c)
	return b
}

// crossing returns the first time the local curve falls to the cloud curve
// and the local scenario gets ahead, interpolated linearly within the month:
// with d = local - cloud at month ends, the first month k where d(k) < 0, or
// d(k) = 0 after d(k-1) > 0, gives k-1 + d(k-1) / (d(k-1) - d(k)), or k-1
// when d(k-1) is already 0 (no hardware to pay for). nil when none.
func crossing(local, cloud []float64) *float64 {
	for k := 1; k < len(local); k++ {
		prev, d := local[k-1]-cloud[k-1], local[k]-cloud[k]
		if d > 0 || (d == 0 && prev <= 0) {
			continue
		}
		t := float64(k - 1)
		if prev > 0 {
			t += prev / (prev - d)
		}
		return &t
	}
	return nil
}

// curveNotes explains saturation and replacement machines.
func curveNotes(in CostInputs, c curves) []string {
	var notes []string
	if k := c.saturated; k != 0 {
		n := max(in.HorizonMonths, TCOMonths)
		f, last := costMonth(in, k), costMonth(in, n)
		notes = append(notes, fmt.Sprintf("the local machine is saturated from month %d: the displaced traffic needs %.0f busy hours a month, more than the %.2f hours in a month, so it serves only %.0f%% of it (%.0f%% by month %d) and the rest stays in the cloud in both scenarios",
			k, f.demand, HoursPerMonth, 100*f.share, 100*last.share, n))
	}
	if k := c.replaced; k != 0 {
		notes = append(notes, fmt.Sprintf("the hardware's %d-month life ends within the %d months analysed: a replacement at the same price and resale is bought at the start of month %d",
			in.LifeMonths, max(in.HorizonMonths, TCOMonths), k))
	}
	return notes
}
