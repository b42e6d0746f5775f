/**
 * A uPlot chart that sizes itself to its box (width and height, so charts use the pane's height; the legend's
 * row comes out of the height) and takes new data without being rebuilt.
 */
import { useEffect, useRef } from 'react'
import uPlot from 'uplot'

interface ChartProps {
  readonly options: Omit<uPlot.Options, 'width' | 'height'>
  readonly data: uPlot.AlignedData
  readonly testid: string
  readonly label: string
  /** The least height of the plot, when the box is smaller. */
  readonly minHeight?: number
}

export function UplotChart({ options, data, testid, label, minHeight = 160 }: ChartProps) {
  const box = useRef<HTMLDivElement>(null)
  const chart = useRef<uPlot | null>(null)
  const latest = useRef(data)
  latest.current = data

  useEffect(() => {
    const el = box.current
    if (!el) return
    const plotHeight = (u?: uPlot): number => {
      const legend = u?.root.querySelector<HTMLElement>('.u-legend')?.offsetHeight ?? 0
      return Math.max(minHeight, el.clientHeight - legend - 4)
    }
    const u = new uPlot({ ...options, width: Math.max(200, el.clientWidth), height: plotHeight() }, latest.current, el)
    u.setSize({ width: Math.max(200, el.clientWidth), height: plotHeight(u) })
    u.ctx.canvas.setAttribute('data-testid', testid)
    u.ctx.canvas.setAttribute('role', 'img')
    u.ctx.canvas.setAttribute('aria-label', label)
    chart.current = u
    const ro = new ResizeObserver(() => {
      if (el.clientWidth > 0) u.setSize({ width: el.clientWidth, height: plotHeight(u) })
    })
    ro.observe(el)
    return () => {
      ro.disconnect()
      u.destroy()
      chart.current = null
    }
    // Options are fixed per chart; data flows through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [minHeight, testid, label])

  useEffect(() => {
    chart.current?.setData(data)
  }, [data])

  return <div ref={box} className="chart" data-testid={`${testid}-box`} />
}
