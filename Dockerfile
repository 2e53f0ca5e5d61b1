# The image of the platform's code location: the package installed from this repository, serving
# its definitions over gRPC on port 4000. It ships dagster-webserver and dagster-daemon too, so
# docker-compose.yml runs the webserver, the daemon and the one-off instance setup from it.
FROM python:3.11-slim

# Dagster and its libraries are released in lockstep (1.x.y with 0.(x+16).y): keep both pins on
# the versions the test suite runs against.
ARG DAGSTER_VERSION=1.13.27
ARG DAGSTER_LIBRARIES_VERSION=0.29.27

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_CONSTRAINT=/etc/pip-constraints.txt \
    DAGSTER_HOME=/opt/dagster/dagster_home

# Dagster first, in a layer of its own: it is most of the image and changes far less often than
# the platform's code. dagster-postgres is for the instance's storage, not for the platform.
RUN printf '%s\n' \
        "dagster==${DAGSTER_VERSION}" \
        "dagster-webserver==${DAGSTER_VERSION}" \
        "dagster-graphql==${DAGSTER_VERSION}" \
        "dagster-duckdb==${DAGSTER_LIBRARIES_VERSION}" \
        "dagster-postgres==${DAGSTER_LIBRARIES_VERSION}" \
        > /etc/pip-constraints.txt \
    && pip install dagster dagster-webserver dagster-postgres

# A regular, non-editable install: the SQL files ship inside the wheel, and the source tree is
# removed so that nothing imports the package from it by accident.
COPY pyproject.toml README.md /tmp/src/
COPY datagen_platform /tmp/src/datagen_platform
COPY sql /tmp/src/sql
RUN pip install /tmp/src && rm -rf /tmp/src

# Named volumes copy the ownership of the folder they are mounted on, so the folders that hold
# data are created here, owned by the user the services run as.
RUN groupadd --system --gid 1000 dagster \
    && useradd --system --uid 1000 --gid dagster --home-dir /opt/dagster \
        --shell /usr/sbin/nologin dagster \
    && mkdir -p /opt/dagster/dagster_home/storage /opt/dagster/app/datalake /opt/dagster/app/var \
    && chown -R dagster:dagster /opt/dagster

COPY deploy/dagster.yaml /opt/dagster/dagster_home/dagster.yaml
COPY deploy/workspace.yaml /opt/dagster/workspace.yaml
COPY deploy/init-instance.sh /opt/dagster/init-instance.sh

# Relative paths in the DATAGEN_* variables resolve here: datalake/ and var/ are volumes.
WORKDIR /opt/dagster/app
USER dagster

EXPOSE 4000

CMD ["dagster", "code-server", "start", "--host", "0.0.0.0", "--port", "4000", \
     "--module-name", "datagen_platform.definitions", "--location-name", "datagen_platform"]
