# install.cmake - what `cmake --install` puts where (docs/deploy.md):
#
#   bin/schoolrisk                          the program
#   share/schoolrisk/indicators/            the indicator systems (*.xml)
#                                           and schema/
#   share/schoolrisk/templates/             the import template and the
#                                           report layouts
#   share/schoolrisk/web/                   the browser front end (web/dist),
#                                           when it was built
#   share/schoolrisk/packaging/             the nginx site, the systemd
#                                           units and the backup script,
#                                           to copy into /etc
#   share/doc/schoolrisk/                   README.md and docs/*.md
#
# Included from CMakeLists.txt.  The program's compiled-in defaults
# point into the source tree (so that a fresh clone works without
# installing); an installed service sets SCHOOLRISK_INDICATORS and
# SCHOOLRISK_TEMPLATES and passes --web instead
# (packaging/systemd/schoolrisk.service), or the build is configured
# with -DSR_INDICATOR_DIR=/usr/local/share/schoolrisk/indicators.
include(GNUInstallDirs)

set(SR_SHARE_DIR ${CMAKE_INSTALL_DATADIR}/schoolrisk)

install(TARGETS schoolrisk-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# The systems and their schema, not the sample schools and responses of
# examples/ (they are test data).
install(DIRECTORY ${CMAKE_SOURCE_DIR}/indicators/
        DESTINATION ${SR_SHARE_DIR}/indicators
        FILES_MATCHING PATTERN "*.xml" PATTERN "*.xsd"
        PATTERN "examples" EXCLUDE)

install(DIRECTORY ${CMAKE_SOURCE_DIR}/templates/
        DESTINATION ${SR_SHARE_DIR}/templates)

# The front end is built separately into web/dist; without it the
# service has no pages, which is what OPTIONAL allows for.
install(DIRECTORY ${CMAKE_SOURCE_DIR}/web/dist/
        DESTINATION ${SR_SHARE_DIR}/web OPTIONAL)

install(DIRECTORY ${CMAKE_SOURCE_DIR}/packaging/
        DESTINATION ${SR_SHARE_DIR}/packaging
        PATTERN "*.sh"
        PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE
                    GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

# The units' Documentation= points here.
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}
        FILES_MATCHING PATTERN "*.md")

# The compiled message catalogues (configure with -DSR_LOCALEDIR=
# ${CMAKE_INSTALL_PREFIX}/share/locale for an installed program).
install(FILES ${SR_MO}
        DESTINATION ${CMAKE_INSTALL_LOCALEDIR}/zh_CN/LC_MESSAGES)
