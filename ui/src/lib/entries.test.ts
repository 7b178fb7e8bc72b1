// Achievement types in words, in both languages, and extensions or unknown types shown readably.

import { afterEach, describe, expect, it } from 'vitest';
import { achievementTypeLabel } from './entries';
import { i18n } from './i18n/index.svelte';

describe('achievementTypeLabel', () => {
  afterEach(() => i18n.apply('en'));

  it('says the Open Badges types in the learner’s language', () => {
    i18n.apply('en');
    expect(achievementTypeLabel('MicroCredential')).toBe('Micro-credential');
    expect(achievementTypeLabel('BachelorDegree')).toBe('Bachelor’s degree');
    i18n.apply('fr');
    expect(achievementTypeLabel('Course')).toBe('Cours');
    expect(achievementTypeLabel('BachelorDegree')).toBe('Baccalauréat');
    expect(achievementTypeLabel('Diploma')).toBe('Diplôme');
  });

  it('shows an extension or an unknown type as written, its words spaced', () => {
    expect(achievementTypeLabel('ext:LicensedPracticalNurse')).toBe('Licensed Practical Nurse');
    expect(achievementTypeLabel('toString')).toBe('to String');
  });
});
