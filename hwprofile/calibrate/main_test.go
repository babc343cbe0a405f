package calibrate

import (
	"testing"

	"github.com/plan-cli/plan/internal/ollamatest"
)

func TestMain(m *testing.M) { ollamatest.Main(m) }
