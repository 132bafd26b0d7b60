// Regression: shell.openExternal opened any https URL without asking.
import { describe, expect, it } from 'vitest';
import { externalLinkDecision, openExternalLink } from '../../../main/electron/external-links.ts';
import { unpackedPath } from '../../../main/util/asar-path.ts';

function recorder(answer: boolean) {
  const opened: string[] = [];
  const asked: string[] = [];
  return {
    opened,
    asked,
    deps: {
      openExternal: async (url: string) => void opened.push(url),
      confirm: async (url: string) => {
        asked.push(url);
        return answer;
      },
    },
  };
}

describe('external links', () => {
  it('classifies: trusted https opens, other https asks, everything else is refused', () => {
    expect(externalLinkDecision('https://github.com/diffgraph')).toBe('open');
    expect(externalLinkDecision('https://huggingface.co/x')).toBe('open');
    expect(externalLinkDecision('https://evil.example/')).toBe('ask');
    expect(externalLinkDecision('https://github.com.evil.example/')).toBe('ask');
    for (const url of [
      'http://github.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'https://user:pw@github.com/',
      'https://github.com:8443/',
      'not a url',
    ]) {
      expect(externalLinkDecision(url), url).toBe('refuse');
    }
  });

  it('opens a trusted link without asking', async () => {
    const r = recorder(false);
    expect(await openExternalLink('https://github.com/a', r.deps)).toBe(true);
    expect(r.opened).toEqual(['https://github.com/a']);
    expect(r.asked).toEqual([]);
  });

  it('asks for any other https address and opens it only on yes', async () => {
    const no = recorder(false);
    expect(await openExternalLink('https://evil.example/x', no.deps)).toBe(false);
    expect(no.asked).toEqual(['https://evil.example/x']);
    expect(no.opened).toEqual([]);
    const yes = recorder(true);
    expect(await openExternalLink('https://evil.example/x', yes.deps)).toBe(true);
    expect(yes.opened).toEqual(['https://evil.example/x']);
  });

  it('never asks about or opens a refused scheme', async () => {
    const r = recorder(true);
    expect(await openExternalLink('file:///etc/passwd', r.deps)).toBe(false);
    expect(r.asked).toEqual([]);
    expect(r.opened).toEqual([]);
  });
});

describe('asar paths', () => {
  it('maps files inside app.asar to the unpacked folder and leaves others alone', () => {
    expect(unpackedPath('/opt/Diffgraph/resources/app.asar/models')).toBe(
      '/opt/Diffgraph/resources/app.asar.unpacked/models',
    );
    expect(unpackedPath('C:\\Diffgraph\\resources\\app.asar\\models')).toBe(
      'C:\\Diffgraph\\resources\\app.asar.unpacked\\models',
    );
    expect(unpackedPath('/work/diffgraph/models')).toBe('/work/diffgraph/models');
  });
});
