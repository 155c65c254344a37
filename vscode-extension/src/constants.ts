/** Identifiers shared by the manifest (package.json) and the code. */

export const EXTENSION_NAME = 'Réplique';

/** Configuration section of every setting of this extension. */
export const SECTION = 'replique';

export const FOUNTAIN = 'fountain';
export const PLAY = 'replique-play';
export const TRANSCRIPT = 'replique-transcript';

/** Language ids the language client attaches to. */
export const LANGUAGES: readonly string[] = [FOUNTAIN, PLAY, TRANSCRIPT];

/** The extension that owns the `fountain` language in most VS Code installations. */
export const BETTER_FOUNTAIN_ID = 'piersdeseilligny.betterfountain';

/** Commands contributed by the extension (palette). */
export const Commands = {
  generateDialogue: 'replique.generate',
  suggestNow: 'replique.suggestNow',
  selectModel: 'replique.selectModel',
  restartServer: 'replique.restartServer',
  showServerLog: 'replique.showServerLog',
  toggleAutoTrigger: 'replique.toggleAutoTrigger',
  showStatus: 'replique.showStatus',
} as const;
