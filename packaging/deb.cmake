# The Debian package (`make deb`, CPack's DEB generator): the installed tree of the build (the
# binary, the man pages and the bash completion) under /usr, plus the copyright file and
# changelog Debian policy asks of every package. The library dependencies come from
# dpkg-shlibdeps (libc6, libcap2, libfmt9, libgcc-s1, libseccomp2, libstdc++6 on Debian 12);
# libsystemd0 is only a recommendation: cgroup/sd_bus_api.cpp dlopens it for --systemd-cgroup.
set(CRUNTIME_DEB_MAINTAINER "cruntime maintainers <maintainers@users.noreply.github.com>"
  CACHE STRING "Maintainer field of the Debian package (make deb)")

set(CRUNTIME_DOC_DIR ${CMAKE_INSTALL_DATADIR}/doc/cruntime)
configure_file(${CMAKE_CURRENT_LIST_DIR}/changelog.in ${CMAKE_BINARY_DIR}/packaging/changelog
  @ONLY)
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/packaging/changelog.gz
  COMMAND gzip -9nkf ${CMAKE_BINARY_DIR}/packaging/changelog
  DEPENDS ${CMAKE_BINARY_DIR}/packaging/changelog
  VERBATIM)
add_custom_target(changelog ALL DEPENDS ${CMAKE_BINARY_DIR}/packaging/changelog.gz)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/copyright ${CMAKE_BINARY_DIR}/packaging/changelog.gz
  DESTINATION ${CRUNTIME_DOC_DIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME cruntime)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "OCI container runtime, a drop-in replacement for runc")
# The extended description: lines of at most 80 characters (lintian).
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
  "cruntime runs containers from OCI bundles (a config.json plus a root file\n"
  "system), as the OCI runtime specification describes. Its command line, exit\n"
  "codes, state directory and log format match runc's, so containerd, CRI-O,\n"
  "docker and podman can use it in runc's place.")
string(JOIN "" CPACK_DEBIAN_PACKAGE_DESCRIPTION ${CPACK_DEBIAN_PACKAGE_DESCRIPTION})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # cruntime_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CRUNTIME_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS libsystemd0)
include(CPack)
