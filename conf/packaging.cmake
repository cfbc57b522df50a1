# SPDX-License-Identifier: BSD-2-Clause
# packaging.cmake: what the one version (project() in the top-level
# CMakeLists.txt) feeds besides the C code, and the Debian packages.
#
# Included before the subdirectories: it checks NEWS against the version,
# takes the release date from it (the man page's date), makes the Debian
# changelog and copyright files, and defines safeid_gzip().  The top-level
# CMakeLists.txt calls safeid_packages() after the subdirectories: one
# Debian package per install component, made by CPack's DEB generator:
#
#   cmake -S . -B B -DCMAKE_INSTALL_PREFIX=/usr -DBUILD_TESTING=OFF
#   cmake --build B -j2 && cpack --config B/CPackConfig.cmake -B B/deb
#
#   component  package         what
#   lib        libsafeid0      the shared library
#   dev        libsafeid-dev   headers, the .so link, safeid.pc
#   pkcs11     safeid-pkcs11   the PKCS#11 module, its p11-kit module file
#   opensc     opensc-safeid   the OpenSC card driver and its configuration,
#                              the tool's OpenSC plug-in
#   tool       safeid-tool     the tool, its image plug-in, man page and
#                              bash completion
#   gui        safeid-gui      the desktop program, packaged as soon as an
#                              install() names this component:
#                                install(TARGETS safeid-gui
#                                  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
#                                  COMPONENT gui)
#                              (its man page, .desktop file and icon the same
#                              way; lintian wants the man page)
#   test       (none)          test programs, never packaged
#
# Every install() names one of these components; the test
# package_components fails on any other (a file in no package).

set(SAFEID_DEB_MAINTAINER "safeid developers <safeid@example.org>" CACHE STRING
  "Maintainer of the Debian packages (name <address>)")
set(SAFEID_HOMEPAGE "https://example.org/safeid" CACHE STRING
  "Where safeid is published (Homepage: and the copyright file's Source:)")

# ---- NEWS: the release date, and the Debian changelog -----------------------
# Each NEWS entry starts with a line "safeid X.Y.Z (YYYY-MM-DD)", newest
# first; its lines "  * ..." (and their "    " continuations) say what
# changed.  The newest must be this version, so a new version cannot ship
# without saying what is new in it.
file(STRINGS ${PROJECT_SOURCE_DIR}/NEWS _safeid_news)
set(_safeid_news_re
  "^safeid ([0-9]+\\.[0-9]+\\.[0-9]+) \\(([0-9]+-[0-9]+-[0-9]+)\\)$")
set(_safeid_news_top "")
foreach(_l IN LISTS _safeid_news)
  if(_l MATCHES "^safeid ")
    set(_safeid_news_top "${_l}")
    break()
  endif()
endforeach()
if(NOT _safeid_news_top MATCHES "${_safeid_news_re}"
   OR NOT CMAKE_MATCH_1 STREQUAL PROJECT_VERSION)
  message(FATAL_ERROR "NEWS: the newest entry is '${_safeid_news_top}', but "
    "project() in CMakeLists.txt says version ${PROJECT_VERSION}: add an "
    "entry 'safeid ${PROJECT_VERSION} (YYYY-MM-DD)' at the top of NEWS that "
    "says what changed")
endif()
set(SAFEID_RELEASE_DATE ${CMAKE_MATCH_2})
execute_process(COMMAND date -u -d "${SAFEID_RELEASE_DATE} 00:00:00" +%s
  OUTPUT_VARIABLE SAFEID_RELEASE_EPOCH OUTPUT_STRIP_TRAILING_WHITESPACE)

# safeid_gzip(IN OUT): gzip -9n, as Debian wants (no name or time stamp:
# the same input gives the same bytes).
function(safeid_gzip in out)
  execute_process(COMMAND gzip -9nc ${in} OUTPUT_FILE ${out}
    RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gzip -9nc ${in} failed (${rc}); is gzip installed?")
  endif()
endfunction()

# The release date as RFC 5322 (Debian changelog trailer lines).
function(safeid_rfc_date day out)
  execute_process(COMMAND date -u -R -d "${day} 00:00:00"
    OUTPUT_VARIABLE d OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "NEWS: '${day}' is not a date that date(1) reads")
  endif()
  set(${out} "${d}" PARENT_SCOPE)
endfunction()

# The Debian changelog: one entry per NEWS entry.  The packages have a
# native version (the project's own): safeid is its own packager, and a
# fix to the packaging is a new version.
set(_cl "")
set(_ver "")
foreach(_l IN LISTS _safeid_news)
  if(_l MATCHES "${_safeid_news_re}")
    if(_ver)
      safeid_rfc_date(${_day} _rfc)
      string(APPEND _cl "\n -- ${SAFEID_DEB_MAINTAINER}  ${_rfc}\n\n")
    endif()
    set(_ver ${CMAKE_MATCH_1})
    set(_day ${CMAKE_MATCH_2})
    string(APPEND _cl "safeid (${_ver}) stable; urgency=medium\n\n")
  elseif(_l MATCHES "^  ")
    string(APPEND _cl "${_l}\n")
  elseif(_l MATCHES "^safeid ")
    message(FATAL_ERROR "NEWS: '${_l}' is not 'safeid X.Y.Z (YYYY-MM-DD)'")
  endif()
endforeach()
safeid_rfc_date(${_day} _rfc)
string(APPEND _cl "\n -- ${SAFEID_DEB_MAINTAINER}  ${_rfc}\n")
set(SAFEID_DEB_DIR ${PROJECT_BINARY_DIR}/conf/debian)
file(WRITE ${SAFEID_DEB_DIR}/changelog "${_cl}")
safeid_gzip(${SAFEID_DEB_DIR}/changelog ${SAFEID_DEB_DIR}/changelog.gz)
# The copyright file (machine-readable, DEP-5) carries LICENSE's terms: its
# text after the title and copyright lines, each line indented by one
# space, an empty line written " .".
file(READ ${PROJECT_SOURCE_DIR}/LICENSE _lic)
string(REGEX REPLACE "^[^\n]*\n\n[^\n]*\n\n" "" _lic "${_lic}")
string(REGEX REPLACE "\n+$" "" _lic "${_lic}")
string(REPLACE "\n\n" "\n.\n" _lic "${_lic}")
string(REPLACE "\n" "\n " SAFEID_LICENSE_TEXT " ${_lic}")
configure_file(${PROJECT_SOURCE_DIR}/conf/debian/copyright.in
  ${SAFEID_DEB_DIR}/copyright @ONLY)
unset(_lic)
unset(_cl)
unset(_ver)
unset(_day)
unset(_rfc)

# Installed directories are 0755 whatever the umask of the one installing.
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
  OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
  WORLD_READ WORLD_EXECUTE)

# ---- the packages -----------------------------------------------------------
set(SAFEID_DEB_PACKAGES lib=libsafeid0 dev=libsafeid-dev
  pkcs11=safeid-pkcs11 opensc=opensc-safeid tool=safeid-tool gui=safeid-gui)

# The next version of OpenSC after V (0.23.0 -> 0.23.1~): the OpenSC driver
# loads only into the OpenSC it was built for.
function(safeid_next_version v out)
  string(REGEX MATCH "^([0-9]+)\\.([0-9]+)\\.([0-9]+)" m "${v}")
  math(EXPR patch "${CMAKE_MATCH_3} + 1")
  set(${out} "${CMAKE_MATCH_1}.${CMAKE_MATCH_2}.${patch}~" PARENT_SCOPE)
endfunction()

function(safeid_packages)
  get_cmake_property(all COMPONENTS)
  set(comps)
  set(known test)
  foreach(pair IN LISTS SAFEID_DEB_PACKAGES)
    string(REPLACE "=" ";" pair "${pair}")
    list(GET pair 0 c)
    list(GET pair 1 pkg)
    list(APPEND known ${c})
    if(c IN_LIST all)
      list(APPEND comps ${c})
      set(pkg_${c} ${pkg})
    endif()
  endforeach()
  # For tests/package: the components and whether each is packaged.
  set(list "")
  foreach(c IN LISTS all)
    if(c IN_LIST known)
      string(APPEND list "${c}\n")
    else()
      string(APPEND list "${c} (in no package)\n")
    endif()
  endforeach()
  file(WRITE ${SAFEID_DEB_DIR}/components "${list}")

  # Debian's files in every package: copyright and changelog.  Excluded
  # from a plain `cmake --install` (not a Debian layout there), included in
  # the component installs CPack makes.
  foreach(c IN LISTS comps)
    install(FILES ${SAFEID_DEB_DIR}/copyright ${SAFEID_DEB_DIR}/changelog.gz
      DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${pkg_${c}}
      COMPONENT ${c} EXCLUDE_FROM_ALL)
  endforeach()

  # libsafeid0: ldconfig through dpkg's trigger; the shlibs file for
  # programs linking the library.  CPack adds ldconfig calls of its own
  # (conf/debian/libsafeid0.lintian-overrides says why they stay).
  file(WRITE ${SAFEID_DEB_DIR}/triggers "activate-noawait ldconfig\n")
  file(WRITE ${SAFEID_DEB_DIR}/shlibs
    "libsafeid 0 libsafeid0 (>= ${PROJECT_VERSION})\n")
  install(FILES ${PROJECT_SOURCE_DIR}/conf/debian/libsafeid0.lintian-overrides
    DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides RENAME libsafeid0
    COMPONENT lib EXCLUDE_FROM_ALL)

  # opensc-safeid: the two lines to add to /etc/opensc/opensc.conf.
  if(IS_ABSOLUTE "${SAFEID_OPENSC_MODULE_DIR}")
    set(SAFEID_OPENSC_MODULE_INSTALLED
      ${SAFEID_OPENSC_MODULE_DIR}/safeid-opensc.so)
  else()
    set(SAFEID_OPENSC_MODULE_INSTALLED
      ${CMAKE_INSTALL_PREFIX}/${SAFEID_OPENSC_MODULE_DIR}/safeid-opensc.so)
  endif()
  configure_file(
    ${PROJECT_SOURCE_DIR}/conf/debian/opensc-safeid.README.Debian.in
    ${SAFEID_DEB_DIR}/opensc-safeid.README.Debian @ONLY)
  install(FILES ${SAFEID_DEB_DIR}/opensc-safeid.README.Debian
    DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/opensc-safeid RENAME README.Debian
    COMPONENT opensc EXCLUDE_FROM_ALL)

  set(CPACK_GENERATOR DEB)
  set(CPACK_PACKAGE_NAME safeid)
  set(CPACK_PACKAGE_VENDOR "The safeid authors")
  set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
  set(CPACK_PACKAGE_CONTACT "${SAFEID_DEB_MAINTAINER}")
  # Empty: CPack would put project(DESCRIPTION) in front of every package's
  # own synopsis.
  set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "")
  set(CPACK_COMPONENTS_ALL ${comps})
  set(CPACK_DEB_COMPONENT_INSTALL ON)
  set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
  set(CPACK_DEBIAN_PACKAGE_VERSION ${PROJECT_VERSION})
  set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${SAFEID_DEB_MAINTAINER}")
  set(CPACK_DEBIAN_PACKAGE_SOURCE safeid)
  set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${SAFEID_HOMEPAGE}")
  set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
  # Stripped (lintian: unstripped-binary-or-object).  No -dbgsym packages:
  # CMake 3.25 writes build-tree paths into their md5sums.
  set(CPACK_STRIP_FILES ON)
  set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
  # At cpack time: the prefix check and the time stamp (cpack.cmake.in).
  configure_file(${PROJECT_SOURCE_DIR}/conf/debian/cpack.cmake.in
    ${SAFEID_DEB_DIR}/cpack.cmake @ONLY)
  set(CPACK_PROJECT_CONFIG_FILE ${SAFEID_DEB_DIR}/cpack.cmake)

  set(v ${PROJECT_VERSION})
  # Descriptions: the first line is the synopsis; the rest is wrapped by
  # hand (lintian: at most 80 columns), an empty line between paragraphs.
  set(CPACK_DEBIAN_LIB_PACKAGE_NAME libsafeid0)
  set(CPACK_DEBIAN_LIB_PACKAGE_SECTION libs)
  set(CPACK_DEBIAN_LIB_PACKAGE_CONTROL_EXTRA
    ${SAFEID_DEB_DIR}/triggers ${SAFEID_DEB_DIR}/shlibs)
  set(CPACK_DEBIAN_LIB_DESCRIPTION
"library for programmable OTP tokens (safeid)
libsafeid speaks the protocol of single-profile programmable NFC OTP
tokens (SafeID/Diamond class, ExcelSecu/Token2 family) through PC/SC: it
reads a token's serial, model and clock, writes its TOTP seed and
settings, and reports at each step what the token holds.

This package contains the shared library.")

  set(CPACK_DEBIAN_DEV_PACKAGE_NAME libsafeid-dev)
  set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
  # safeid.pc names libcrypto and libpcsclite (Requires.private).
  set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "libsafeid0 (= ${v}), libssl-dev, libpcsclite-dev")
  set(CPACK_DEBIAN_DEV_DESCRIPTION
"library for programmable OTP tokens (safeid) - development files
libsafeid speaks the protocol of single-profile programmable NFC OTP
tokens (SafeID/Diamond class, ExcelSecu/Token2 family) through PC/SC.

This package contains the headers, the pkg-config file and the link to
build programs with the library, and the headers of the PKCS#11 module's
vendor attributes and of the OpenSC driver's card_ctl calls.")

  set(CPACK_DEBIAN_PKCS11_PACKAGE_NAME safeid-pkcs11)
  set(CPACK_DEBIAN_PKCS11_PACKAGE_SECTION libs)
  set(CPACK_DEBIAN_PKCS11_PACKAGE_RECOMMENDS "pcscd, p11-kit-modules")
  set(CPACK_DEBIAN_PKCS11_DESCRIPTION
"PKCS#11 module for programmable OTP tokens (safeid)
safeid-pkcs11.so shows single-profile programmable NFC OTP tokens
(SafeID/Diamond class, ExcelSecu/Token2 family) on PC/SC readers as
PKCS#11 tokens: a TOTP seed is burned by creating a secret key object,
and the token clock is an object too.

The package registers the module with p11-kit, so p11-kit-proxy.so,
p11tool and other p11-kit aware programs find it without configuration.")

  set(CPACK_DEBIAN_OPENSC_PACKAGE_NAME opensc-safeid)
  set(CPACK_DEBIAN_OPENSC_PACKAGE_SECTION libs)
  if(SAFEID_OPENSC_VERSION)
    safeid_next_version(${SAFEID_OPENSC_VERSION} next)
    # OpenSC loads the driver only when its own version is the one the
    # driver was built for (sc_driver_version).
    set(CPACK_DEBIAN_OPENSC_PACKAGE_DEPENDS "opensc-pkcs11 (<< ${next})")
  endif()
  set(CPACK_DEBIAN_OPENSC_PACKAGE_RECOMMENDS "opensc, pcscd")
  set(CPACK_DEBIAN_OPENSC_DESCRIPTION
"OpenSC card driver for programmable OTP tokens (safeid)
safeid-opensc.so is an OpenSC card driver for single-profile programmable
NFC OTP tokens (SafeID/Diamond class, ExcelSecu/Token2 family):
opensc-tool names the token and reads its serial.  The package also holds
the plug-in that gives safeid-tool its OpenSC back end (--backend opensc).

OpenSC reads a single configuration file, and this package never changes
it: /usr/share/doc/opensc-safeid/README.Debian gives the two lines to add
to /etc/opensc/opensc.conf, and /usr/share/safeid/opensc-safeid.conf is a
complete configuration to try the driver with (OPENSC_CONF).")

  set(CPACK_DEBIAN_TOOL_PACKAGE_NAME safeid-tool)
  set(CPACK_DEBIAN_TOOL_PACKAGE_SECTION utils)
  # The tool loads the PKCS#11 module with dlopen, which dpkg-shlibdeps
  # cannot see.
  set(CPACK_DEBIAN_TOOL_PACKAGE_DEPENDS "safeid-pkcs11 (= ${v})")
  set(CPACK_DEBIAN_TOOL_PACKAGE_RECOMMENDS "pcscd")
  set(CPACK_DEBIAN_TOOL_PACKAGE_SUGGESTS "opensc-safeid")
  set(CPACK_DEBIAN_TOOL_DESCRIPTION
"burn TOTP seeds into programmable OTP tokens
safeid-tool programs the TOTP seed of an account into a single-profile
programmable NFC OTP token (SafeID/Diamond class, ExcelSecu/Token2
family) through a PC/SC contactless reader.  The account comes from a QR
code (an image file or the screen), an otpauth:// or otpauth-migration://
URI, or a base32 secret, and is checked before the token is touched.  The
tool sets the token clock and shows the codes the token must display.")

  set(CPACK_DEBIAN_GUI_PACKAGE_NAME safeid-gui)
  set(CPACK_DEBIAN_GUI_PACKAGE_SECTION utils)
  set(CPACK_DEBIAN_GUI_PACKAGE_DEPENDS "safeid-pkcs11 (= ${v})")
  set(CPACK_DEBIAN_GUI_PACKAGE_RECOMMENDS "pcscd")
  set(CPACK_DEBIAN_GUI_DESCRIPTION
"burn TOTP seeds into programmable OTP tokens - desktop program
safeid-gui is the desktop window of safeid: it burns the TOTP seed of an
account into a single-profile programmable NFC OTP token (SafeID/Diamond
class, ExcelSecu/Token2 family) through a PC/SC contactless reader.")

  include(CPack)
endfunction()
