def test_the_deployment_workspace_names_the_code_location_grpc_server(
    services, dockerfile, deploy_grpc_server
):
    port = str(deploy_grpc_server["port"])

    assert services[deploy_grpc_server["host"]]["expose"] == [port]
    assert dockerfile.values("EXPOSE") == [port]


def test_the_grpc_location_keeps_the_name_of_the_local_one(
    deploy_grpc_server, local_workspace_module
):
    assert deploy_grpc_server["location_name"] == local_workspace_module["location_name"]
