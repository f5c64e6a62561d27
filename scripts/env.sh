# Sourced by the scripts: finds a JDK of 21 or newer and sets JAVA_HOME to it.
# Order: an existing JAVA_HOME if new enough, then `java` on PATH, then the JDKs under /usr/lib/jvm
# and /opt (newest first). Fails with a message that says how to fix it.

guardsynth_java_major() { # prints the major version of the JDK at $1
  local v
  v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n1)
  echo "${v%%.*}"
}

guardsynth_find_jdk() {
  local candidates=() c
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for c in $(ls -d /usr/lib/jvm/* /opt/java/* /opt/jdk* 2>/dev/null | sort -rV); do candidates+=("$c"); done
  for c in "${candidates[@]}"; do
    if [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ]; then
      local major
      major=$(guardsynth_java_major "$c")
      if [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null; then
        echo "$c"
        return 0
      fi
    fi
  done
  return 1
}

if ! GUARDSYNTH_JDK=$(guardsynth_find_jdk); then
  echo "guardsynth: no JDK 21 or newer found (looked at JAVA_HOME, PATH, /usr/lib/jvm, /opt);" \
       "install one (e.g. apt-get install openjdk-21-jdk-headless) or set JAVA_HOME to it" >&2
  exit 2
fi
export JAVA_HOME="$GUARDSYNTH_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
GUARDSYNTH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export GUARDSYNTH_ROOT
# Maven's Guice warns about sun.misc.Unsafe on JDK 24+; allow it quietly there (the flag is
# unknown to older JDKs, so only set it where it exists).
if [ "$(guardsynth_java_major "$JAVA_HOME")" -ge 24 ] 2>/dev/null; then
  case " ${MAVEN_OPTS:-} " in *sun-misc-unsafe*) ;; *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;; esac
fi
