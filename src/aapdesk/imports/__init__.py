"""Reading the files people import (xlsx, xlsm, csv) safely, before any value is interpreted."""
