import { useEffect, useState } from 'react';

/**
 * A counter bumped every `ms` while `active`: what a view keys its read on when the answer moves
 * with time rather than with new data (last seen, an hourly store query).
 */
export function usePolled(active: boolean, ms: number): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setTick((t) => t + 1), ms);
    return () => clearInterval(timer);
  }, [active, ms]);
  return tick;
}
