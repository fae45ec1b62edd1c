/** "Showing 51–100 of 1,000" with previous/next buttons. */
export function Pager({ offset, shown, pageSize, total, hasMore, onChange }: {
  readonly offset: number;
  readonly shown: number;
  readonly pageSize: number;
  readonly total?: number;
  readonly hasMore: boolean;
  readonly onChange: (offset: number) => void;
}) {
  if (shown === 0 && offset === 0) return null;
  const range = shown === 0 ? 'Nothing on this page' : `Showing ${(offset + 1).toLocaleString('en')}–${(offset + shown).toLocaleString('en')}`;
  return (
    <div className="pager" role="navigation" aria-label="Pages">
      <span className="pager-range">{range}{total !== undefined && ` of ${total.toLocaleString('en')}`}</span>
      <button type="button" className="button secondary" disabled={offset === 0} onClick={() => onChange(Math.max(0, offset - pageSize))}>Previous</button>
      <button type="button" className="button secondary" disabled={!hasMore} onClick={() => onChange(offset + pageSize)}>Next</button>
    </div>
  );
}
