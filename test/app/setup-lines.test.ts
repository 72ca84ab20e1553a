import { describe, expect, it } from 'vitest';
import { setupText } from '../../src/app/setup-lines.js';

describe('set-up lines', () => {
  it('name the port actually used, for every SDK', () => {
    const text = setupText('http://127.0.0.1:4391');
    expect(text).toContain('  export OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4391');
    expect(text).toContain('  openlit.init(otlp_endpoint="http://127.0.0.1:4391")');
    expect(text.find((l) => l.includes('CLAUDE_CODE_ENABLE_TELEMETRY=1'))).toContain('OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4391 claude');
    expect(text.join('\n')).not.toContain('4318');
  });
});
