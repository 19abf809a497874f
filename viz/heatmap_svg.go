package viz

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
)

// Heatmap drawing sizes, in px.
const (
	hmGridSize  = 360.0 // the longer side of the grid, before clamping the cell size
	hmCellMin   = 4.0
	hmCellMax   = 32.0
	hmLabelGap  = 4.0
	hmBarW      = 12.0 // colour bar
	hmBarGap    = 14.0
	hmValueCell = 26.0 // cells at least this big show their value...
	hmValueMax  = 12   // ...when neither side has more cells than this
)

// HeatmapSVG draws a heatmap as a self-contained SVG: one cell per value
// coloured by scale (the zero Scale means ScaleOf(h), the heatmap's own
// range), masked cells in grey, row and column labels, a colour bar with
// the scale's ends, and a line of summary numbers. Small maps print each
// value in its cell. Each cell has a <title> with its row, column and
// value, for hovering. Classes: .hm (svg), .hm-cell, .hm-masked,
// .hm-value, .hm-label, .hm-bar, .hm-summary.
func HeatmapSVG(h HeatmapData, scale Scale) []byte {
	if scale == (Scale{}) {
		scale = ScaleOf(h)
	}
	cell := math.Floor(hmGridSize / float64(max(h.Rows, h.Cols, 1)))
	cell = math.Min(math.Max(cell, hmCellMin), hmCellMax)
	// Show every k-th label so that labels never overlap.
	k := max(1, int(math.Ceil((smallFont+2)/cell)))
	rowLabelW, colLabelW := 0.0, 0.0
	for _, s := range h.RowLabels {
		rowLabelW = math.Max(rowLabelW, textWidth(s, smallFont))
	}
	for _, s := range h.ColLabels {
		colLabelW = math.Max(colLabelW, textWidth(s, smallFont))
	}
	// Column labels stand upright when they are wider than a cell.
	upright := colLabelW > cell-2
	top := smallFont + hmLabelGap
	if upright {
		top = colLabelW + hmLabelGap
	}
	left := rowLabelW + hmLabelGap + margin/2
	top += margin / 2
	gw, gh := cell*float64(h.Cols), cell*float64(h.Rows)
	barX := left + gw + hmBarGap
	width := barX + hmBarW + 6 + 7*smallFont*charW + margin/2
	height := top + gh + 2*smallFont + 8 + margin/2

	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="hm" width="%s" height="%s" viewBox="0 0 %s %s" role="img" aria-label="heatmap, %d by %d" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="%s">`+"\n",
		num(width), num(height), num(width), num(height), h.Rows, h.Cols, num(smallFont))
	grad := gradientID(scale)
	ramp := sequentialRamp
	if scale.Diverging {
		ramp = divergingRamp
	}
	fmt.Fprintf(&b, `<defs><linearGradient id="%s" x1="0" y1="1" x2="0" y2="0">`, grad)
	for i, c := range ramp {
		fmt.Fprintf(&b, `<stop offset="%s" stop-color="%s"/>`, num(float64(i)/float64(len(ramp)-1)), hex(c))
	}
	b.WriteString("</linearGradient></defs>\n")

	// Labels.
	for i := 0; i < h.Rows; i += k {
		fmt.Fprintf(&b, `<text class="hm-label" x="%s" y="%s" text-anchor="end" dominant-baseline="central" fill="#4b5563">%s</text>`+"\n",
			num(left-hmLabelGap), num(top+(float64(i)+0.5)*cell), esc(h.RowLabels[i]))
	}
	for j := 0; j < h.Cols; j += k {
		x := left + (float64(j)+0.5)*cell
		if upright {
			fmt.Fprintf(&b, `<text class="hm-label" x="%s" y="%s" transform="rotate(-90 %s %s)" dominant-baseline="central" fill="#4b5563">%s</text>`+"\n",
				num(x), num(top-hmLabelGap), num(x), num(top-hmLabelGap), esc(h.ColLabels[j]))
			continue
		}
		fmt.Fprintf(&b, `<text class="hm-label" x="%s" y="%s" text-anchor="middle" fill="#4b5563">%s</text>`+"\n",
			num(x), num(top-hmLabelGap), esc(h.ColLabels[j]))
	}

	// Cells.
	values := cell >= hmValueCell && h.Rows <= hmValueMax && h.Cols <= hmValueMax
	for i := range h.Rows {
		for j := range h.Cols {
			x, y := left+float64(j)*cell, top+float64(i)*cell
			at := h.RowLabels[i] + ", " + h.ColLabels[j]
			if h.Masked[i*h.Cols+j] {
				fmt.Fprintf(&b, `<rect class="hm-cell hm-masked" x="%s" y="%s" width="%s" height="%s" fill="#d9dce1"><title>%s: masked (−∞)</title></rect>`+"\n",
					num(x), num(y), num(cell), num(cell), esc(at))
				continue
			}
			v := h.Data[i*h.Cols+j]
			c := scale.Color(v)
			fmt.Fprintf(&b, `<rect class="hm-cell" x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s: %s</title></rect>`+"\n",
				num(x), num(y), num(cell), num(cell), hex(c), esc(at), strconv.FormatFloat(v, 'g', 4, 64))
			if values {
				ink := "#111827"
				if dark(c) {
					ink = "#ffffff"
				}
				fmt.Fprintf(&b, `<text class="hm-value" x="%s" y="%s" text-anchor="middle" dominant-baseline="central" font-size="9" fill="%s">%s</text>`+"\n",
					num(x+cell/2), num(y+cell/2), ink, strconv.FormatFloat(v, 'f', 2, 64))
			}
		}
	}

	// Colour bar, high end at the top.
	fmt.Fprintf(&b, `<rect class="hm-bar" x="%s" y="%s" width="%s" height="%s" fill="url(#%s)" stroke="#9ca3af" stroke-width="0.5"/>`+"\n",
		num(barX), num(top), num(hmBarW), num(gh), grad)
	ticks := []float64{scale.Hi, scale.Lo}
	if scale.Diverging {
		ticks = []float64{scale.Hi, 0, scale.Lo}
	}
	for i, v := range ticks {
		y := top + gh*float64(i)/float64(len(ticks)-1)
		fmt.Fprintf(&b, `<text class="hm-label" x="%s" y="%s" dominant-baseline="central" fill="#4b5563">%s</text>`+"\n",
			num(barX+hmBarW+4), num(y), strconv.FormatFloat(v, 'g', 3, 64))
	}

	fmt.Fprintf(&b, `<text class="hm-summary" x="%s" y="%s" fill="#4b5563">min %s · max %s · mean %s · ‖x‖ %s</text>`+"\n",
		num(left), num(top+gh+smallFont+8),
		strconv.FormatFloat(h.Min, 'g', 3, 64), strconv.FormatFloat(h.Max, 'g', 3, 64),
		strconv.FormatFloat(h.Mean, 'g', 3, 64), strconv.FormatFloat(h.Norm, 'g', 3, 64))
	b.WriteString("</svg>\n")
	return b.Bytes()
}

// gradientID names the colour bar's gradient after its colour map; the
// gradient does not depend on the scale's range, so heatmaps on one page
// may share it.
func gradientID(s Scale) string {
	if s.Diverging {
		return "hm-diverging"
	}
	return "hm-sequential"
}
