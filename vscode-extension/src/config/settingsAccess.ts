/** Reading the `replique.*` settings from VS Code. */
import * as vscode from 'vscode';
import { LANGUAGES, SECTION } from '../constants';
import { serverSettings, type SettingsObject } from './serverSettings';

const AUTO_TRIGGER = 'completion.autoTrigger';

/** Automatic suggestions for one document (its language's value, if any, wins). */
export function autoTriggerFor(document: vscode.TextDocument): boolean {
  return vscode.workspace.getConfiguration(SECTION, document).get<boolean>(AUTO_TRIGGER, true);
}

/** Automatic suggestions for a language, whatever the document. */
export function autoTriggerForLanguage(languageId: string): boolean {
  return vscode.workspace.getConfiguration(SECTION, { languageId }).get<boolean>(AUTO_TRIGGER, true);
}

/** True when automatic suggestions are on for at least one of the languages of the extension. */
export function anyAutoTrigger(): boolean {
  return LANGUAGES.some(autoTriggerForLanguage);
}

/** The object sent to the server (initializationOptions and didChangeConfiguration). */
export function currentServerSettings(): SettingsObject {
  const configuration = vscode.workspace.getConfiguration(SECTION);
  return serverSettings((key) => configuration.get(key), anyAutoTrigger());
}

export function javaHomeSetting(): string | undefined {
  return vscode.workspace.getConfiguration(SECTION).get<string>('java.home') || undefined;
}
