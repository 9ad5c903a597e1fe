package com.taobao.api.response;

import com.taobao.api.internal.mapping.ApiField;
import com.taobao.api.TaobaoResponse;

/**
 * TOP API: taobao.demo.order.create response.
 */
public class DemoOrderCreateResponse extends TaobaoResponse {
	private static final long serialVersionUID = 1L;
	/** 订单号 */
	@ApiField("order_id")
	private Long orderId;
	/** 是否成功 */
	@ApiField("is_success")
	private Boolean isSuccess;
}
