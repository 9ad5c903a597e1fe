//! Calls this crate's own APIs against the mock gateway (swap in your real credentials and
//! gateway URL to call TOP).

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mock =
        topsdk::mock::MockGateway::start(own_specs::apis::APIS, "my-app-key", "my-app-secret")
            .await?;
    let client = topsdk::Client::builder("my-app-key", "my-app-secret")
        .gateway_url(mock.url())
        .build()?;
    let (stock, coupon) = own_specs::run(&client).await?;
    println!("{stock:#?}\n{coupon:#?}");
    Ok(())
}
