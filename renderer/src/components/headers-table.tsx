/** Headers exactly as on the wire: order, case and duplicates kept. */
import type { RawHeaderList } from '../../../shared/exchange.ts'

export function HeadersTable({ headers, label }: { headers: RawHeaderList; label: string }) {
  if (headers.length === 0) return <p className="muted small">No headers.</p>
  return (
    <table className="headers-table" aria-label={label} data-testid={`${label.toLowerCase().replace(/\s+/g, '-')}`}>
      <tbody>
        {headers.map(([name, value], i) => (
          <tr key={i}>
            <th scope="row" className="mono">
              {name}
            </th>
            <td className="mono">{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
