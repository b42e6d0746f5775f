/** A uPlot chart that sizes itself to its box and takes new data without being rebuilt. */
import { useEffect, useRef } from 'react'
import uPlot from 'uplot'

interface ChartProps {
  readonly options: Omit<uPlot.Options, 'width' | 'height'>
  readonly data: uPlot.AlignedData
  readonly testid: string
  readonly label: string
  readonly height?: number
}

export function UplotChart({ options, data, testid, label, height = 200 }: ChartProps) {
  const box = useRef<HTMLDivElement>(null)
  const chart = useRef<uPlot | null>(null)
  const latest = useRef(data)
  latest.current = data

  useEffect(() => {
    const el = box.current
    if (!el) return
    const u = new uPlot({ ...options, width: Math.max(200, el.clientWidth), height }, latest.current, el)
    u.ctx.canvas.setAttribute('data-testid', testid)
    u.ctx.canvas.setAttribute('role', 'img')
    u.ctx.canvas.setAttribute('aria-label', label)
    chart.current = u
    const ro = new ResizeObserver(() => { if (el.clientWidth > 0) u.setSize({ width: el.clientWidth, height }) })
    ro.observe(el)
    return () => { ro.disconnect(); u.destroy(); chart.current = null }
    // Options are fixed per chart; data flows through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [height, testid, label])

  useEffect(() => { chart.current?.setData(data) }, [data])

  return <div ref={box} className="chart" data-testid={`${testid}-box`} />
}
