@echo off
rem Réplique launcher for Windows: finds a JDK 25 and runs lib\replique.jar (an installed distribution).
setlocal
set "ROOT=%~dp0.."
set "JAVA=java"
if defined REPLIQUE_JAVA_HOME set "JAVA=%REPLIQUE_JAVA_HOME%\bin\java.exe" & goto run
if defined JAVA_HOME set "JAVA=%JAVA_HOME%\bin\java.exe" & goto run
for /d %%D in ("%ProgramFiles%\Eclipse Adoptium\jdk-25*") do set "JAVA=%%D\bin\java.exe"
:run
"%JAVA%" --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0 -Xmn64m -Xss4m --sun-misc-unsafe-memory-access=allow -jar "%ROOT%\lib\replique.jar" %*
