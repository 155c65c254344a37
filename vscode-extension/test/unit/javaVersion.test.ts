import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { featureVersion, versionFromJavaOutput, versionFromReleaseFile } from '../../src/java/javaVersion';

describe('Java versions', () => {
  it('reads feature versions in both numbering schemes', () => {
    assert.equal(featureVersion('25.0.1'), 25);
    assert.equal(featureVersion('25'), 25);
    assert.equal(featureVersion('26-ea'), 26);
    assert.equal(featureVersion('1.8.0_392'), 8);
    assert.equal(featureVersion('17.0.12+7'), 17);
    assert.equal(featureVersion('banana'), undefined);
  });

  it('reads the release file of a JDK', () => {
    const release = 'IMPLEMENTOR="Eclipse Adoptium"\nJAVA_RUNTIME_VERSION="25.0.1+8-LTS"\nJAVA_VERSION="25.0.1"\nOS_NAME="Linux"\n';
    assert.equal(versionFromReleaseFile(release), 25);
    assert.equal(versionFromReleaseFile('JAVA_VERSION="1.8.0_392"\r\n'), 8);
    assert.equal(versionFromReleaseFile('IMPLEMENTOR="x"\n'), undefined);
  });

  it('reads -XshowSettings:properties output, and the version banner as a fallback', () => {
    const settings = 'Property settings:\n    java.home = /usr/lib/jvm/temurin-25\n    java.specification.version = 25\n    java.version = 25.0.1\n\nopenjdk version "25.0.1" 2025-10-21 LTS\n';
    assert.equal(versionFromJavaOutput(settings), 25);
    assert.equal(versionFromJavaOutput('openjdk version "17.0.12" 2024-07-16\nOpenJDK Runtime Environment'), 17);
    assert.equal(versionFromJavaOutput('java version "1.8.0_401"\n'), 8);
    assert.equal(versionFromJavaOutput('Error: could not find libjava.so'), undefined);
  });
});
