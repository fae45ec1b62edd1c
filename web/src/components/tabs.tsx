import type { ReactNode } from 'react';

export interface TabDef {
  readonly id: string;
  readonly label: ReactNode;
}

/** Tabs whose choice lives in the address (`?tab=`), so each tab can be linked to. */
export function Tabs({ tabs, active, onSelect, label }: {
  readonly tabs: readonly TabDef[];
  readonly active: string;
  readonly onSelect: (id: string) => void;
  readonly label: string;
}) {
  return (
    <div className="tabs" role="tablist" aria-label={label}>
      {tabs.map((t) => (
        <button key={t.id} type="button" role="tab" id={`tab-${t.id}`} aria-selected={t.id === active} aria-controls={`panel-${t.id}`}
          className={t.id === active ? 'tab active' : 'tab'} onClick={() => onSelect(t.id)}>
          {t.label}
        </button>
      ))}
    </div>
  );
}

export function TabPanel({ id, children }: { readonly id: string; readonly children: ReactNode }) {
  return <section role="tabpanel" id={`panel-${id}`} aria-labelledby={`tab-${id}`} className="tab-panel">{children}</section>;
}
