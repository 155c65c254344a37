/**
 * Highlighting for the `fountain` language when no other extension provides it.
 *
 * Better Fountain contributes the `fountain` language with a TextMate grammar. A second
 * TextMate grammar for the same language would fight it (VS Code keeps whichever it reads
 * last), and manifest contributions cannot depend on another extension being installed.
 * So this extension contributes the language id without a grammar, and highlights Fountain
 * with a semantic-token provider that it registers only while Better Fountain is absent.
 */
import * as vscode from 'vscode';
import { BETTER_FOUNTAIN_ID, FOUNTAIN } from '../constants';
import { ELEMENT_TOKEN, TOKEN_TYPES, tokenize } from './fountainTokens';

const legend = new vscode.SemanticTokensLegend([...TOKEN_TYPES], []);

const provider: vscode.DocumentSemanticTokensProvider = {
  provideDocumentSemanticTokens(document) {
    const builder = new vscode.SemanticTokensBuilder(legend);
    for (const token of tokenize(document.getText())) {
      builder.push(token.line, token.start, token.length, TOKEN_TYPES.indexOf(ELEMENT_TOKEN[token.element]), 0);
    }
    return builder.build();
  },
};

export function betterFountainInstalled(): boolean {
  return vscode.extensions.getExtension(BETTER_FOUNTAIN_ID) !== undefined;
}

export class FountainHighlighting implements vscode.Disposable {
  private registration: vscode.Disposable | undefined;
  private readonly watcher: vscode.Disposable;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.update();
    this.watcher = vscode.extensions.onDidChange(() => this.update());
  }

  private update(): void {
    const wanted = !betterFountainInstalled();
    if (wanted && !this.registration) {
      this.registration = vscode.languages.registerDocumentSemanticTokensProvider({ language: FOUNTAIN }, provider, legend);
      this.log.info('Fountain highlighting: provided by Réplique (Better Fountain is not installed).');
    } else if (!wanted && this.registration) {
      this.registration.dispose();
      this.registration = undefined;
      this.log.info('Fountain highlighting: left to Better Fountain.');
    } else if (!wanted) {
      this.log.info('Fountain highlighting: left to Better Fountain.');
    }
  }

  dispose(): void {
    this.watcher.dispose();
    this.registration?.dispose();
  }
}
