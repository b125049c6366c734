/** A minimal TranslatorContext for translator tests: one scriptlet of the given format. */
import type { PackageFormat, Phase } from '../../src/formats/types.js';
import type { TranslatorContext } from '../../src/policy/translator.js';

export function translatorContext(
  format: PackageFormat = 'deb',
  phase: Phase = format === 'deb' ? 'postinst' : format === 'rpm' ? 'post' : 'post_install',
  pkg = 'example',
): TranslatorContext {
  return {
    scriptlet: {
      package: pkg,
      format,
      phase,
      interpreter: { kind: 'sh', argv: ['/bin/sh'] },
      body: '',
      origin: format === 'deb' ? `control.tar.xz:${phase}` : format === 'rpm' ? 'header' : '.INSTALL',
    },
    analysis: {
      language: 'sh',
      parser: 'tree-sitter',
      commands: [],
      segments: [],
      functions: [],
      heredocs: [],
      sourced: [],
    },
    index: 0,
  };
}
