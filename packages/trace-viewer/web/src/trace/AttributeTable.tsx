import type { Attributes } from '../api-types.ts';
import { formatValue } from '../format.ts';

/** Attributes as key and value rows, keys sorted: the same table for tags, resource and events. */
export function AttributeTable({ attributes, label }: { attributes: Attributes; label: string }) {
  const keys = Object.keys(attributes).sort();
  if (keys.length === 0) return <p class="none">none</p>;
  return (
    <table class="attributes" aria-label={label}>
      <tbody>
        {keys.map((key) => (
          <tr key={key}>
            <th scope="row">{key}</th>
            <td>{formatValue(attributes[key])}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
