//! Calls an API of this crate's SDK download against the mock gateway (swap in your real
//! credentials and gateway URL to call TOP).

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mock = topsdk::mock::MockGateway::start(own_sdk::apis::APIS, "my-app-key", "my-app-secret")
        .await?;
    let client = topsdk::Client::builder("my-app-key", "my-app-secret")
        .gateway_url(mock.url())
        .build()?;
    println!("{:#?}", own_sdk::first_page(&client).await?);
    Ok(())
}
